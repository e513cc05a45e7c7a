"""What the registry asks of the apps above it (see core.providers)."""

from xuetu.core.providers import hook

# The people a scope also reaches through a higher app (the apprentices on an organisation's
# rosters, say, whoever registered them first). Each provider answers a Q over Person.
PERSON_REACH = hook("registry.person_reach", "Q over Person: whom a scope also reaches")
