"""Choices of deal registration: statuses, sales stages, conflict decisions."""

from django.db import models


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    MORE_INFO_REQUESTED = "more_info_requested", "More information requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class SalesStage(models.TextChoices):
    QUALIFIED = "qualified", "Qualified"
    PROPOSAL = "proposal", "Proposal"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class DirectOutcome(models.TextChoices):
    WON = "won", "Won"
    LOST = "lost", "Lost"


class DealType(models.TextChoices):
    NEW = "new", "New business"
    RENEWAL = "renewal", "Renewal"
    UPSELL = "upsell", "Upsell"


class PartnerRole(models.TextChoices):
    RESELL = "resell", "Resell"
    REFERRAL = "referral", "Referral"
    INFLUENCE = "influence", "Influence"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class ConflictDecision(models.TextChoices):
    FIRST_COME = "first_come", "First come: the earlier registration keeps the deal"
    SPLIT = "split", "Split: both registrations proceed"
    REJECTED = "rejected", "Rejected: not a conflict"


# Registrations in these statuses claim their customer: new registrations are matched
# against them. Drafts claim nothing; rejected and expired ones no longer do.
OPEN_STATUSES = frozenset(
    {
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.UNDER_REVIEW,
        RegistrationStatus.MORE_INFO_REQUESTED,
        RegistrationStatus.APPROVED,
    }
)

# Statuses a reviewer still has to decide.
PENDING_STATUSES = frozenset(
    {
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.UNDER_REVIEW,
        RegistrationStatus.MORE_INFO_REQUESTED,
    }
)

# Allowed status transitions; anything else is refused.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.DRAFT: frozenset({RegistrationStatus.SUBMITTED}),
    RegistrationStatus.SUBMITTED: frozenset(
        {
            RegistrationStatus.UNDER_REVIEW,
            RegistrationStatus.MORE_INFO_REQUESTED,
            RegistrationStatus.APPROVED,
            RegistrationStatus.REJECTED,
        }
    ),
    RegistrationStatus.UNDER_REVIEW: frozenset(
        {
            RegistrationStatus.MORE_INFO_REQUESTED,
            RegistrationStatus.APPROVED,
            RegistrationStatus.REJECTED,
        }
    ),
    # The partner answers by editing and submitting again.
    RegistrationStatus.MORE_INFO_REQUESTED: frozenset(
        {RegistrationStatus.SUBMITTED, RegistrationStatus.REJECTED}
    ),
    RegistrationStatus.APPROVED: frozenset({RegistrationStatus.EXPIRED}),
    # A rejection by a first-come conflict decision is undone when an appeal wins.
    RegistrationStatus.REJECTED: frozenset({RegistrationStatus.UNDER_REVIEW}),
    RegistrationStatus.EXPIRED: frozenset(),
}

# Allowed sales stages after approval; won and lost are final.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset(SalesStage.values),
    SalesStage.QUALIFIED: frozenset(
        {SalesStage.PROPOSAL, SalesStage.WON, SalesStage.LOST}
    ),
    SalesStage.PROPOSAL: frozenset(
        {SalesStage.QUALIFIED, SalesStage.WON, SalesStage.LOST}
    ),
    SalesStage.WON: frozenset(),
    SalesStage.LOST: frozenset(),
}

# Active ISO 4217 currency codes (funds, precious metals and XXX left out).
ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a table reads better than 160 lines
)


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    YES_NO = "yes_no", "Yes / no"


class FieldVisibility(models.TextChoices):
    HIDDEN = "hidden", "Hidden"
    OPTIONAL = "optional", "Optional"
    REQUIRED = "required", "Required to submit"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
