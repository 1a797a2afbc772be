"""Production of a campaign: the deliverables grid and missing formats (`deliverables`), the
storyboard, rough cuts, the delivery package and where the money went (`spend`)."""
