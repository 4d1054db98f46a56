"""The campaign a person chose in the header's switcher, for campaign_current(user)."""

from .selectors import SESSION_KEY


class CampaignChoiceMiddleware:
    """Copies the session's chosen campaign onto the request's user, so that
    campaign_current(user) honours it without every view reading the session. The id is only
    a wish: campaign_current checks it is one of the user's open campaigns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        chosen = session.get(SESSION_KEY) if session is not None else None
        if chosen and request.user.is_authenticated:
            request.user.chosen_campaign_id = chosen
        return self.get_response(request)
