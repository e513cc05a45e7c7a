import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously there, which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from xuetu.core.testing import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing passwords at production strength makes every persona cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploads and generated files (exports, PDFs) never land in the working tree.
    settings.MEDIA_ROOT = tmp_path / "media"
