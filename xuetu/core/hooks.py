"""What core asks of the apps above it (see core.providers)."""

from xuetu.core.providers import hook

# Where a job's page leads back to: a provider answers (label, url) for the jobs it knows,
# or None. The first answer wins; with none the page shows no link back.
JOB_RETURN = hook("core.job_return", "(label, url) of the page a job was started from")
