"""The home page each role lands on: the panels the apps registered (core.site)."""

from xuetu.core.site import HomePanelsView


class HomeView(HomePanelsView):
    template_name = "home.html"
