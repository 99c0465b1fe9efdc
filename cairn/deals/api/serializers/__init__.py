"""API representations of deal registrations and the vendor's direct pipeline.

Money is a decimal string with its currency code, never a float: a float input is
refused. Read serializers show rows; input serializers parse what a write accepts
and hand it to a service, which checks the policy and validates the row.
"""

from cairn.deals.api.serializers.conflicts import (
    CONFLICT_STATUS_HELP,
    AppealInputSerializer,
    EarlierClaimSerializer,
    HistoryStepSerializer,
    PartnerConflictSerializer,
    PartnerReasonSerializer,
    ResolveConflictInputSerializer,
    VendorConflictSerializer,
    VendorReasonSerializer,
)
from cairn.deals.api.serializers.direct import (
    DIRECT_FIELDS,
    DirectOpportunityInputSerializer,
    DirectOpportunitySerializer,
    DirectOpportunityUpdateSerializer,
)
from cairn.deals.api.serializers.fields import (
    CURRENCY_HELP,
    MAX_CUSTOM_FIELDS,
    MAX_CUSTOM_VALUE_LENGTH,
    MAX_LINES,
    CurrencyField,
    CustomFieldsField,
    MoneyField,
    RegistrationStatusField,
)
from cairn.deals.api.serializers.registrations import (
    REGISTRATION_READ_FIELDS,
    DealLineInputSerializer,
    DealLineSerializer,
    DealRegistrationCreateSerializer,
    DealRegistrationDetailSerializer,
    DealRegistrationSerializer,
    DealRegistrationUpdateSerializer,
    OptionalReasonInputSerializer,
    ReasonInputSerializer,
    StageInputSerializer,
)

__all__ = [
    "CONFLICT_STATUS_HELP",
    "CURRENCY_HELP",
    "DIRECT_FIELDS",
    "MAX_CUSTOM_FIELDS",
    "MAX_CUSTOM_VALUE_LENGTH",
    "MAX_LINES",
    "REGISTRATION_READ_FIELDS",
    "AppealInputSerializer",
    "CurrencyField",
    "CustomFieldsField",
    "DealLineInputSerializer",
    "DealLineSerializer",
    "DealRegistrationCreateSerializer",
    "DealRegistrationDetailSerializer",
    "DealRegistrationSerializer",
    "DealRegistrationUpdateSerializer",
    "DirectOpportunityInputSerializer",
    "DirectOpportunitySerializer",
    "DirectOpportunityUpdateSerializer",
    "EarlierClaimSerializer",
    "HistoryStepSerializer",
    "MoneyField",
    "OptionalReasonInputSerializer",
    "PartnerConflictSerializer",
    "PartnerReasonSerializer",
    "ReasonInputSerializer",
    "RegistrationStatusField",
    "ResolveConflictInputSerializer",
    "StageInputSerializer",
    "VendorConflictSerializer",
    "VendorReasonSerializer",
]
