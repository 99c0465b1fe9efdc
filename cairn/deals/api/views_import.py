"""API routes of the CSV imports: one multipart upload checks a file and, unless
only a check was asked for, imports it, answering the same report as the portal.

`mode` is `validate` (check only, write nothing), `keep_good` or `all_or_nothing`.
A file that cannot be read at all, and an all-or-nothing import that imported
nothing, answer 400 problem details; their `errors` point at `/file` or at each bad
cell as `/rows/<row>/<column>` (row numbers as a spreadsheet shows them).
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cairn.core.api.permissions import HasTokenScope, IsActor
from cairn.core.api.problems import PROBLEM_CONTENT_TYPE, problem
from cairn.deals import policies_import, selectors_portal
from cairn.deals.imports.reader import MAX_FILE_BYTES
from cairn.deals.models_import import ImportMode, ImportRun, ImportStatus
from cairn.deals.services import imports
from cairn.partners.models import Program

VALIDATE = "validate"
MODES = [VALIDATE, *ImportMode.values]


class ImportInputSerializer(serializers.Serializer[Any]):
    """A CSV file and what to do with it."""

    file = serializers.FileField(help_text="UTF-8 CSV, at most 5 MB and 5,000 rows.")
    mode = serializers.ChoiceField(
        choices=MODES,
        default=VALIDATE,
        help_text=(
            "validate: check only and write nothing; keep_good: import the valid "
            "rows and skip the others; all_or_nothing: import every row in one "
            "transaction, or none."
        ),
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is "
                f"{MAX_FILE_BYTES / (1024 * 1024):.1f} MB."
            )
        return upload


class RegistrationImportInputSerializer(ImportInputSerializer):
    """A registrations file, the program to register in, and the mode."""

    program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.none(),
        help_text="A program your organization is an active member of.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # none when the schema is generated
            program_field: Any = self.fields["program"]
            program_field.queryset = selectors_portal.programs_to_register_in(
                request.user
            )


class ImportIssueSerializer(serializers.Serializer[Any]):
    """One problem of a row: its spreadsheet row number, column and message."""

    row = serializers.IntegerField()
    column = serializers.CharField(help_text="Empty for a problem of the whole row.")
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer[Any]):
    """What was done with one row written."""

    row = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    id = serializers.IntegerField(
        help_text="The registration's (or direct opportunity's) id."
    )
    possible_conflict = serializers.BooleanField()


class ImportRunSerializer(serializers.ModelSerializer[ImportRun]):
    """An import with its counts and its row-by-row report."""

    # Plain text, not an enum: the schema already has a "kind" enum (of conflicts).
    kind = serializers.CharField(
        read_only=True, help_text="registrations or direct_pipeline"
    )
    issues = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = (
            "id",
            "kind",
            "status",
            "mode",
            "file_name",
            "program",
            "created_at",
            "committed_at",
            "total_rows",
            "valid_rows",
            "invalid_rows",
            "created_rows",
            "updated_rows",
            "unchanged_rows",
            "skipped_rows",
            "conflict_rows",
            "issues",
            "results",
        )
        read_only_fields = fields

    @extend_schema(responses=ImportIssueSerializer(many=True))
    def get_issues(self, run: ImportRun) -> list[dict[str, Any]]:
        return [
            {"row": row, "column": column, "message": message}
            for row, column, message in run.issues
        ]

    @extend_schema(responses=ImportResultSerializer(many=True))
    def get_results(self, run: ImportRun) -> list[dict[str, Any]]:
        return [
            {"row": row, "outcome": outcome, "id": pk, "possible_conflict": conflict}
            for row, outcome, pk, conflict in run.report.get("results", [])
        ]


def _answer(request: Request, run: ImportRun, mode: str) -> Response:
    data = ImportRunSerializer(run).data
    if mode == ImportMode.ALL_OR_NOTHING and run.status != ImportStatus.IMPORTED:
        body = problem(
            400,
            "Nothing was imported: every row must be valid.",
            errors=[
                {
                    "pointer": f"/rows/{row}/{column}" if column else f"/rows/{row}",
                    "field": f"rows.{row}.{column}" if column else f"rows.{row}",
                    "detail": message,
                    "code": "invalid",
                }
                for row, column, message in run.issues
            ],
            instance=request.get_full_path(),
        )
        body["import"] = data
        return Response(
            body, status=status.HTTP_400_BAD_REQUEST, content_type=PROBLEM_CONTENT_TYPE
        )
    return Response(data)


def _commit(request: Request, run: ImportRun, mode: str) -> ImportRun:
    if mode == VALIDATE:
        return run
    return imports.commit_import(run, actor=request.user, mode=mode)


class RegistrationImportView(APIView):
    """Import deal registrations into your organization from a CSV file."""

    permission_classes = (IsActor, HasTokenScope)
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="deal_registrations_import",
        summary="Import deal registrations from CSV",
        description=(
            "Each valid row is registered by you and submitted, exactly as "
            "`POST /deal-registrations/`. See docs/deals.md for the columns."
        ),
        request={"multipart/form-data": RegistrationImportInputSerializer},
        responses={200: ImportRunSerializer},
    )
    def post(self, request: Request) -> Response:
        """Check a registrations file and, unless `mode` is validate, import it."""
        if not policies_import.can_import_registrations(request.user):
            raise PermissionDenied
        serializer = RegistrationImportInputSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        mode = serializer.validated_data["mode"]
        run = imports.validate_registrations_import(
            actor=request.user,
            program=serializer.validated_data["program"],
            file_name=str(upload.name),
            data=upload.read(MAX_FILE_BYTES + 1),
        )
        return _answer(request, _commit(request, run, mode), mode)


class DirectImportView(APIView):
    """Import the vendor's direct pipeline from a CSV file (vendor admins)."""

    permission_classes = (IsActor, HasTokenScope)
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="direct_opportunities_import",
        summary="Import the direct pipeline from CSV",
        description=(
            "Each valid row creates or updates the direct opportunity of its "
            "`external_id`, as `POST /direct-opportunities/`; open registrations "
            "of the same customer are matched against it."
        ),
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: ImportRunSerializer},
    )
    def post(self, request: Request) -> Response:
        """Check a direct pipeline file and, unless `mode` is validate, import it."""
        if not policies_import.can_import_direct_pipeline(request.user):
            raise PermissionDenied
        serializer = ImportInputSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        mode = serializer.validated_data["mode"]
        run = imports.validate_direct_import(
            actor=request.user,
            file_name=str(upload.name),
            data=upload.read(MAX_FILE_BYTES + 1),
        )
        return _answer(request, _commit(request, run, mode), mode)
