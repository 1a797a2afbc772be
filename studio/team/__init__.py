"""The team: who may do what and fetching things for a user (`access`), how often a client
may try and how much it may hold (`throttle`), member forms."""
