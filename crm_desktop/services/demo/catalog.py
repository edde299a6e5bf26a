"""What the demo roastery sells and says: products, plans, deal kinds, campaigns and canned texts."""

from __future__ import annotations

BUSINESS_NAME = "Kaffeerösterei Morgenrot"
OWN_VENDOR = BUSINESS_NAME

# (sku, name, description, price in cents, vendor, stock on hand, kind)
PRODUCTS: tuple[tuple[str, str, str, int, str, int | None, str], ...] = (
    ("MR-ESP-1000", "Morgenrot Espresso Blend 1 kg", "Chocolate, hazelnut; our house espresso", 2490,
     OWN_VENDOR, 340, "beans"),
    ("MR-ESP-0250", "Morgenrot Espresso Blend 250 g", "Chocolate, hazelnut; our house espresso", 890,
     OWN_VENDOR, 520, "beans"),
    ("MR-FIL-0500", "House Filter Roast 500 g", "Red berries, caramel; for filter and French press", 1350,
     OWN_VENDOR, 410, "beans"),
    ("MR-ETH-0250", "Ethiopia Yirgacheffe 250 g", "Washed; jasmine, bergamot", 990, OWN_VENDOR, 260, "beans"),
    ("MR-COL-1000", "Colombia Huila 1 kg", "Honey process; cherry, cocoa", 2750, OWN_VENDOR, 120, "beans"),
    ("MR-DEC-0500", "Decaf Swiss Water 500 g", "Chemical-free decaffeinated", 1490, OWN_VENDOR, 90, "beans"),
    ("MR-CRE-1000", "Café Crème Blend 1 kg", "Mild, low acidity; for full-automatic machines", 2290,
     OWN_VENDOR, 300, "beans"),
    ("MR-BRA-5000", "Brazil Cerrado 5 kg (gastro)", "Wholesale bag for cafés and offices", 8900, OWN_VENDOR,
     75, "wholesale"),
    ("LM-MINI", "La Marzocco Linea Mini", "Dual boiler espresso machine for home and small cafés", 529000,
     "La Marzocco", 3, "machine"),
    ("LM-PB2", "La Marzocco Linea PB, 2 groups", "Commercial espresso machine", 1249000, "La Marzocco", 1,
     "machine"),
    ("MK-E65S", "Mahlkönig E65S GbW", "Grind-by-weight espresso grinder", 249000, "Mahlkönig", 4, "grinder"),
    ("EU-MSP", "Eureka Mignon Specialita", "Quiet home espresso grinder", 44900, "Eureka", 9, "gear"),
    ("HA-V60", "Hario V60 starter set", "Dripper, server, filters", 3490, "Hario", 35, "gear"),
    ("CX-6", "Chemex Classic 6 cups", "Glass pour-over brewer", 4990, "Chemex", 18, "gear"),
    ("CO-C40", "Comandante C40 hand grinder", "Hand grinder with conical burrs", 26900, "Comandante", 7,
     "gear"),
    ("SV-TRAIN", "Barista training (one day)", "Espresso and milk training for up to four people", 39000,
     OWN_VENDOR, None, "service"),
    ("SV-MAINT", "Espresso machine maintenance", "Descaling, seals, calibration on site", 18000, OWN_VENDOR,
     None, "service"),
)  # fmt: skip

PLANS = (
    ("Filter subscription – 500 g monthly", 1490),
    ("Espresso subscription – 1 kg monthly", 2690),
    ("Discovery subscription – 3 × 250 g", 2990),
    ("Office subscription – 5 kg monthly", 10900),
)
CANCEL_REASONS = (
    "Too much coffee at home", "Moving abroad", "Found a cheaper roaster", "Prefers buying in the shop",
    "Budget cuts", "Switched to a capsule machine", "Office moved to a new building",
)  # fmt: skip

# (weight, deal kind) — the deal builders in sales.py know each kind's lines.
DEAL_KINDS = (
    (34, "Bean supply contract"),
    (16, "Espresso bar equipment"),
    (18, "Office coffee service"),
    (12, "Barista training"),
    (10, "Machine maintenance contract"),
    (10, "Christmas gift boxes"),
)

# (name pattern, channel, month, duration in days, budget range in cents)
CAMPAIGNS = (
    ("Internorga {year} trade fair", "trade fair", 3, 5, (450_000, 800_000)),
    ("Leipzig Coffee Festival {year}", "trade fair", 9, 3, (150_000, 300_000)),
    ("Instagram: spring roast {year}", "instagram", 4, 30, (60_000, 150_000)),
    ("Instagram: cold brew summer {year}", "instagram", 7, 45, (50_000, 120_000)),
    ("Newsletter: Christmas edition {year}", "newsletter", 11, 40, (20_000, 50_000)),
    ("Café partner programme {year}", "partner", 1, 120, (200_000, 500_000)),
    ("Cold calling: offices {year}", "cold call", 2, 45, (80_000, 160_000)),
    ("Website relaunch {year}", "website", 5, 60, (300_000, 600_000)),
    ("Referral bonus {year}", "referral", 6, 90, (50_000, 100_000)),
)
CAMPAIGN_REGIONS = ("Leipzig", "Berlin", "Dresden", "Hamburg", "München", "Wien", "Zürich")

# (weight for consumers, weight for businesses, source)
SOURCES = (
    (30, 8, "website"), (9, 12, "referral"), (6, 20, "trade fair"), (24, 3, "instagram"),
    (16, 7, "newsletter"), (1, 22, "cold call"), (4, 18, "partner"), (10, 10, None),
)  # fmt: skip
CONSENT_HOW = ("Newsletter sign-up form", "Checkout opt-in", "Trade fair form", "Asked in the shop")
CONTACT_TAGS = (("espresso",), ("filter",), ("vip",), ("wholesale",), ("decaf",), ("home barista",),
                ("espresso", "vip"), ("gift buyer",))  # fmt: skip
CONTACT_NOTES = (
    "Prefers light roasts; asks about new single origins.", "Call after 2 pm, mornings are busy.",
    "Met at the Leipzig Coffee Festival.", "Allergic to hazelnut flavourings.",
    "Wants invoices by email only.", "Interested in a barista course for the team.",
)  # fmt: skip

LOST_NOTES = {
    "Price": (
        "Went with a cheaper roaster from Hamburg.",
        "Our wholesale price was 15 % above their budget.",
    ),
    "Competitor": ("Signed with a national coffee service.", "Stayed with their current supplier."),
    "Budget": ("No budget until next year.", "Budget frozen after a bad quarter."),
    "Timing": ("Renovation postponed; ask again in spring.", "Too busy during the season."),
    "No decision": ("Owner could not decide between blends.", "No answer after the tasting."),
    "Missing feature": ("Needed oat-milk training we do not offer.", "Wanted capsules."),
    "Unresponsive": ("Three follow-ups without a reply.", "Contact left the company."),
    "Poor fit": ("Volume too small for wholesale terms.", "They need a full-automatic service contract."),
    "Other": ("Café closed down.", "Chose to roast their own beans."),
}
LOST_WEIGHTS = {"Price": 25, "Competitor": 20, "Budget": 15, "Timing": 12, "No decision": 10,
                "Unresponsive": 8, "Missing feature": 4, "Poor fit": 4, "Other": 2}  # fmt: skip
DEAL_NOTES = ("Tasting scheduled with the owner.", "Wants a sample pack first.", "Decision by the partners.")

# activity kind -> subjects, by context
LEAD_SUBJECTS = ("Intro call", "Sent our price list", "Follow-up after the sign-up", "Sample pack offered")
DEAL_SUBJECTS = {
    "call": ("Discussed volumes and delivery days", "Clarified machine requirements", "Price negotiation"),
    "email": ("Sent the proposal", "Sent a revised offer", "Sent tasting notes and price sheet"),
    "meeting": ("Tasting at the roastery", "Site visit: bar layout", "Contract meeting"),
    "visit": ("Dropped off samples", "Checked the espresso setup"),
}
CUSTOMER_SUBJECTS = {
    "note": ("Prefers delivery on Tuesdays", "Asked about the new Ethiopian lot", "Birthday voucher sent"),
    "call": ("Check-in call", "Asked how the new blend works out", "Reorder reminder"),
    "email": ("Sent the seasonal offer", "Shared brewing recipe", "Order confirmation questions"),
    "message": ("Instagram DM about the cold brew", "WhatsApp: pick-up time"),
    "visit": ("Visited the café, dialled in the grinder", "Dropped off new seasonal samples"),
    "meeting": ("Quarterly review", "Menu planning for the autumn"),
}
CASE_SUBJECTS = {
    "Delivery": ("Order arrived late", "Parcel damaged in transit", "Wrong beans delivered"),
    "Machine repair": ("Espresso machine leaking", "Grinder blocked", "Pump makes noise"),
    "Billing": ("Invoice charged twice", "Need a corrected invoice", "Question about the wholesale discount"),
    "Product quality": ("Beans taste stale", "Roast darker than usual", "Bag seal broken"),
    "Subscription": ("Pause subscription for holidays", "Change subscription grind", "Skipped delivery"),
}
RESOLUTIONS = ("Replacement sent", "Refund issued", "Technician visit fixed it", "Explained and credited",
               "Delivery rescheduled", "Subscription updated as requested")  # fmt: skip
CASE_COMMENTS = ("Asked the customer for photos.", "Checked with the warehouse.", "Customer confirmed.",
                 "Waiting for the spare part.", "Called the customer back.")  # fmt: skip
CASE_CHANNELS = ("email", "phone", "web form", "in store")

TASK_LEADS = ("Call back {name}", "Send samples to {name}", "Qualify {name}")
TASK_DEALS = ("Follow up on proposal: {title}", "Prepare offer: {title}", "Schedule tasting: {title}")
TASK_CASES = ("Check spare part delivery for {ref}", "Call back about {ref}")
TASK_CUSTOMERS = ("Check in with {name}", "Offer subscription to {name}", "Send seasonal samples to {name}")

FEEDBACK_COMMENTS = {
    "promoter": (
        "Best espresso in town!",
        "Love the subscription, always fresh.",
        "Great service, thank you.",
    ),
    "passive": ("Good coffee, delivery could be faster.", "Fine, a bit pricey.", "Nice beans."),
    "detractor": ("Two late deliveries in a row.", "Beans were stale last time.", "Support took too long."),
}
