"""API endpoints of deal registration and the vendor's direct pipeline.

Reads are scoped by the selectors, so a registration outside the actor's scope
answers 404 like a missing one; writes parse an input serializer and call a service,
which checks the policy (403 for a visible registration the actor may not change)
and validates the row (400 with a pointer to each bad field).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cairn.core.access import NotFound
from cairn.core.api.views import ScopedViewSet, VendorViewSet
from cairn.deals import selectors, selectors_api, selectors_protection, services
from cairn.deals.api.filters import RegistrationFilterSet
from cairn.deals.api.serializers import (
    AppealInputSerializer,
    DealRegistrationCreateSerializer,
    DealRegistrationDetailSerializer,
    DealRegistrationSerializer,
    DealRegistrationUpdateSerializer,
    DirectOpportunityInputSerializer,
    DirectOpportunitySerializer,
    DirectOpportunityUpdateSerializer,
    OptionalReasonInputSerializer,
    ReasonInputSerializer,
    ResolveConflictInputSerializer,
    StageInputSerializer,
)
from cairn.deals.api.serializers.protection import (
    AttachmentUploadSerializer,
    DealAttachmentSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionRequestInputSerializer,
)
from cairn.deals.downloads import download_response
from cairn.deals.models import DealRegistration, DirectOpportunity
from cairn.deals.services.fields import CUSTOM_PREFIX

Handler = TypeVar("Handler", bound=Callable[..., Response])

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 100

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of your choice, unique per registration (a CRM's opportunity id, "
        "say). Sending the same request again with the same key returns the "
        "registration it created, with 200 instead of 201, and creates nothing."
    ),
)

ATTACHMENT_PARAMETER = OpenApiParameter(
    "attachment_pk",
    OpenApiTypes.INT,
    location=OpenApiParameter.PATH,
    description="The attachment's id, as listed in the registration's `attachments`.",
)


def _nested_custom_field_errors(exc: Exception) -> Exception:
    """Point a service's `custom_fields.<key>` errors at /custom_fields/<key>."""
    if not isinstance(exc, ValidationError) or not hasattr(exc, "error_dict"):
        return exc
    messages = exc.message_dict
    if not any(name.startswith(CUSTOM_PREFIX) for name in messages):
        return exc
    nested: dict[str, Any] = {}
    for name, field_messages in messages.items():
        if name.startswith(CUSTOM_PREFIX):
            custom = nested.setdefault("custom_fields", {})
            custom[name.removeprefix(CUSTOM_PREFIX)] = field_messages
        else:
            nested[name] = field_messages
    return DRFValidationError(nested)


def _input(view: Any, serializer_class: Any, *, partial: bool = False) -> Any:
    serializer = serializer_class(
        data=view.request.data, partial=partial, context=view.get_serializer_context()
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise ValidationError(
            {
                "idempotency_key": (
                    f"Give an {IDEMPOTENCY_HEADER} of at most "
                    f"{IDEMPOTENCY_KEY_MAX_LENGTH} printable characters."
                )
            }
        )
    return key


def _action_schema(summary: str, request: Any = None) -> Callable[[Handler], Handler]:
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: DealRegistrationDetailSerializer},
    )


@extend_schema_view(
    list=extend_schema(summary="List deal registrations"),
    retrieve=extend_schema(
        summary="Read a deal registration with its history and conflicts",
        responses={200: DealRegistrationDetailSerializer},
    ),
)
class DealRegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Deal registrations: vendor admins see all, channel managers their partners',
    partner admins their organization's and reps the ones they registered.
    """

    queryset = DealRegistration.objects.none()
    serializer_class = DealRegistrationSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = RegistrationFilterSet
    # A CRM sends JSON; forms and multipart bodies have no use here.
    parser_classes = (JSONParser,)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_registrations_for(actor).prefetch_related("lines")

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(_nested_custom_field_errors(exc))

    def _detail(
        self, registration: DealRegistration, status_code: int = status.HTTP_200_OK
    ) -> Response:
        actor = self.request.user
        fresh = self.scoped_queryset(actor).get(pk=registration.pk)
        fresh.api_history = selectors.history_for(actor, fresh.pk)
        fresh.api_conflicts = selectors.conflict_for_partner(actor, fresh)
        fresh.api_vendor_conflicts = selectors_api.vendor_conflicts_of(actor, fresh.pk)
        fresh.api_attachments = selectors_protection.attachments_of(fresh)
        fresh.api_extensions = selectors_protection.extensions_of(fresh)
        return Response(
            DealRegistrationDetailSerializer(
                fresh, context=self.get_serializer_context()
            ).data,
            status=status_code,
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Register a deal (and submit it, unless a draft)",
        request=DealRegistrationCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: DealRegistrationDetailSerializer,
            200: OpenApiResponse(
                DealRegistrationDetailSerializer,
                description="A repeated request: the registration its key created.",
            ),
        },
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        existing = selectors_api.registration_with_idempotency_key(request.user, key)
        if existing is not None:
            return self._detail(existing)
        data = dict(_input(self, DealRegistrationCreateSerializer))
        program = data.pop("program")
        is_draft = data.pop("draft")
        try:
            if is_draft:
                registration = services.create_draft(
                    actor=request.user, program=program, idempotency_key=key, **data
                )
            else:
                registration = services.register_deal(
                    actor=request.user, program=program, idempotency_key=key, **data
                )
        except IntegrityError:
            # A concurrent twin with the same key committed first.
            existing = selectors_api.registration_with_idempotency_key(
                request.user, key
            )
            if not key or existing is None:
                raise
            return self._detail(existing)
        return self._detail(registration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft, or answer a request for information",
        request=DealRegistrationUpdateSerializer,
        responses={200: DealRegistrationDetailSerializer},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, DealRegistrationUpdateSerializer, partial=True)
        registration = services.update_draft(registration, actor=request.user, **data)
        return self._detail(registration)

    @_action_schema("Submit a draft or an answer for review", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        registration = services.submit_registration(
            self.get_object(), actor=request.user
        )
        return self._detail(registration)

    @_action_schema("Move an approved deal to a sales stage", StageInputSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: Any = None) -> Response:
        data = _input(self, StageInputSerializer)
        registration = services.update_sales_stage(
            self.get_object(),
            actor=request.user,
            stage=data["sales_stage"],
            lost_reason=data["lost_reason"],
        )
        return self._detail(registration)

    @_action_schema("Appeal a conflict's decision, once", AppealInputSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, AppealInputSerializer)
        conflict = self._conflict_of(registration, data["conflict"])
        services.appeal_conflict(conflict, actor=request.user, note=data["note"])
        return self._detail(registration)

    @_action_schema("Take a submitted registration into review", request=None)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: Any = None) -> Response:
        registration = services.start_review(self.get_object(), actor=request.user)
        return self._detail(registration)

    @_action_schema("Ask the partner for more information", ReasonInputSerializer)
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request: Request, pk: Any = None) -> Response:
        data = _input(self, ReasonInputSerializer)
        registration = services.request_more_information(
            self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._detail(registration)

    @_action_schema(
        "Approve a registration: its protection starts",
        OptionalReasonInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        data = _input(self, OptionalReasonInputSerializer)
        registration = services.approve_registration(
            self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._detail(registration)

    @_action_schema("Reject a registration with a reason", ReasonInputSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        data = _input(self, ReasonInputSerializer)
        registration = services.reject_registration(
            self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._detail(registration)

    @_action_schema(
        "Decide a possible conflict of this registration",
        ResolveConflictInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="resolve-conflict")
    def resolve_conflict(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, ResolveConflictInputSerializer)
        conflict = self._conflict_of(registration, data["conflict"])
        services.resolve_conflict(
            conflict,
            actor=request.user,
            decision=data["decision"],
            reason=data["reason"],
        )
        return self._detail(registration)

    @extend_schema(
        summary="Attach a file to a registration (multipart/form-data)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: DealAttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=(MultiPartParser,),
    )
    def attachments(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, AttachmentUploadSerializer)
        attachment = services.add_attachment(
            registration, actor=request.user, upload=data["file"]
        )
        return Response(
            DealAttachmentSerializer(
                attachment, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Download an attachment",
        parameters=[ATTACHMENT_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as an attachment, with its checked type.",
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
    )
    def attachment(
        self, request: Request, pk: Any = None, attachment_pk: Any = None
    ) -> HttpResponseBase:
        attachment = selectors_protection.attachment_of(
            self.get_object(), attachment_pk
        )
        return download_response(attachment)

    @extend_schema(
        summary="Remove an attachment from a draft (its uploader only)",
        parameters=[ATTACHMENT_PARAMETER],
        responses={204: None},
    )
    @attachment.mapping.delete
    def delete_attachment(
        self, request: Request, pk: Any = None, attachment_pk: Any = None
    ) -> Response:
        attachment = selectors_protection.attachment_of(
            self.get_object(), attachment_pk
        )
        services.delete_attachment(attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @_action_schema(
        "Request more protection time for a protected registration",
        ExtensionRequestInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, ExtensionRequestInputSerializer)
        services.request_extension(
            registration, actor=request.user, reason=data["reason"]
        )
        return self._detail(registration)

    @_action_schema(
        "Approve or decline an extension request", ExtensionDecisionInputSerializer
    )
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request: Request, pk: Any = None) -> Response:
        registration = self.get_object()
        data = _input(self, ExtensionDecisionInputSerializer)
        try:
            extension = selectors_protection.extension_of(
                registration, data["extension"]
            )
        except NotFound as error:
            raise ValidationError(
                {"extension": "This registration has no such extension request."}
            ) from error
        if data["decision"] == "approve":
            services.approve_extension(
                extension, actor=request.user, days=data["days"], reason=data["reason"]
            )
        else:
            services.decline_extension(
                extension, actor=request.user, reason=data["reason"]
            )
        return self._detail(registration)

    def _conflict_of(self, registration: DealRegistration, conflict_pk: int) -> Any:
        """Return a conflict in which this registration is the later claim."""
        try:
            conflict = selectors.access_conflict(self.request.user, conflict_pk)
        except NotFound:
            conflict = None
        if conflict is None or conflict.registration_id != registration.pk:
            raise ValidationError(
                {"conflict": "This registration has no such possible conflict."}
            )
        return conflict


@extend_schema_view(
    list=extend_schema(summary="List the direct pipeline"),
    retrieve=extend_schema(summary="Read a direct opportunity by its external id"),
)
class DirectOpportunityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet
):
    """The vendor's direct pipeline, which registrations are matched against.

    The vendor's staff read it; vendor admins write it, by the opportunity's id in
    their CRM: creating an existing external id updates it.
    """

    queryset = DirectOpportunity.objects.none()
    serializer_class = DirectOpportunitySerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_fields = ("is_open",)
    parser_classes = (JSONParser,)
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors_api.list_direct_opportunities_for(actor)

    def _output(self, opportunity: DirectOpportunity, status_code: int) -> Response:
        fresh = self.scoped_queryset(self.request.user).get(pk=opportunity.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Create or update a direct opportunity by its external id",
        request=DirectOpportunityInputSerializer,
        responses={
            201: DirectOpportunitySerializer,
            200: OpenApiResponse(
                DirectOpportunitySerializer,
                description="The external id existed: the opportunity was updated.",
            ),
        },
    )
    def create(self, request: Request) -> Response:
        data = dict(_input(self, DirectOpportunityInputSerializer))
        external_id = data.pop("external_id")
        existed = (
            self.scoped_queryset(request.user).filter(external_id=external_id).exists()
        )
        opportunity = services.save_direct_opportunity(
            actor=request.user, external_id=external_id, **data
        )
        return self._output(
            opportunity, status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a direct opportunity",
        request=DirectOpportunityUpdateSerializer,
        responses={200: DirectOpportunitySerializer},
    )
    def partial_update(self, request: Request, external_id: Any = None) -> Response:
        opportunity = self.get_object()
        data = _input(self, DirectOpportunityUpdateSerializer, partial=True)
        opportunity = services.save_direct_opportunity(
            actor=request.user, external_id=opportunity.external_id, **data
        )
        return self._output(opportunity, status.HTTP_200_OK)
