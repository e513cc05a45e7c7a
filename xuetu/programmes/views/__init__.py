"""Programmes pages: agreements, mentors and their appointment letters, classes (cohorts)
with their filing and review, rosters and enrollments, and notices.

Every page starts from `Model.objects.for_user(user)` through the scoped base views, so
another organisation's object is a 404 and one the user sees but may not change is a 403.
Views stay thin: each write is one service call, and a refused transition is shown with every
problem on the page it came from, in the reader's language."""

from xuetu.programmes.views.agreements import *  # noqa: F403
from xuetu.programmes.views.cohorts import *  # noqa: F403
from xuetu.programmes.views.common import *  # noqa: F403
from xuetu.programmes.views.enrollments import *  # noqa: F403
from xuetu.programmes.views.exceptions import *  # noqa: F403
from xuetu.programmes.views.mentors import *  # noqa: F403
from xuetu.programmes.views.notices import *  # noqa: F403
from xuetu.programmes.views.supporting import *  # noqa: F403
