class CampaignError(Exception):
    """A change to a campaign that the rules do not allow."""


class CampaignNotReady(CampaignError):
    pass
