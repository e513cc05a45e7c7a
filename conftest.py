import os
import shutil

import pytest
from hypothesis import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously there, which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Tests never assert on wall-clock time: hypothesis' per-example deadline (200 ms) fails a
# property when the machine is busy, not when the code is wrong.
settings.register_profile("xuetu", deadline=None)
settings.load_profile("xuetu")


def pytest_configure(config) -> None:
    # Every write of the suite is traced to its module: only services may write.
    from xuetu.testing import write_guard

    write_guard.install()


@pytest.fixture
def world(db):
    from xuetu.testing import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing passwords at production strength makes every persona cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _an_empty_cache():
    # Rate limits (public verification, activation codes) count in the cache: each test
    # starts with no requests counted, whatever ran before it.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploads and generated files (exports, PDFs) never land in the working tree.
    settings.MEDIA_ROOT = tmp_path / "media"


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # Without the networking flags Chromium keeps dialling out on a closed network.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
