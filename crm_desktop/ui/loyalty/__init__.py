"""The Loyalty tab: members with balances and spend, beside the tiers and rewards on offer."""
