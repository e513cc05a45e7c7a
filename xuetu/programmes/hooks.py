"""What programmes asks of the apps above it (see core.providers)."""

from xuetu.core.providers import hook

# The (occupation code, skill level) pairs already subsidised for people: one person is
# subsidised once for the same occupation at the same level, ever (DESIGN.md §1). Asked with
# a list of people (saved or not: a roster import checks newcomers too), each provider answers
# a mapping of resident ID number to its pairs, for the whole list in a fixed number of
# queries; the subsidies app answers from its register of grants (claims and history).
PRIOR_SUBSIDIES = hook(
    "programmes.prior_subsidies", "ID number → (occupation code, level) pairs paid"
)

# What is wrong with a class's training plan, for the filing check: called with the class and
# the policy in force; each provider answers a list of Problems (the training app, from the
# plan's modules), where the policy in force asks for a plan of modules
# (`plan_modules_required`); otherwise, or with no provider, the free-text summary stands.
PLAN_PROBLEMS = hook("programmes.plan_problems", "problems of the class's training plan")

# An account closes when its person leaves the organisation: receivers of programmes' own
# saves, connected when the app loads (programmes.people_accounts).
from xuetu.programmes.services import people_accounts  # noqa: E402

people_accounts.connect()
