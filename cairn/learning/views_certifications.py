"""Certification pages: a learner's certifications and certificate, a partner
admin's team learning, the vendor console's learning report and revocation.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cairn.core.portal import add_service_errors, paginate, policy_required
from cairn.learning import policies
from cairn.learning import selectors_certifications as selectors
from cairn.learning.services import certifications as services


@policy_required(policies.can_take_courses)
def my_certifications(request: HttpRequest) -> HttpResponse:
    """Show the person's certifications (status, expiry, how to renew) and those
    they may earn with what each still requires.
    """
    rows = selectors.my_certifications_for(request.user)
    return render(
        request,
        "learning/certification_list.html",
        {"rows": rows, "nav": "learning"},
    )


@policy_required(policies.can_take_courses)
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the person's certificate as a PDF."""
    award = selectors.access_own_award(request.user, pk)
    response = HttpResponse(
        services.certificate_pdf(award), content_type="application/pdf"
    )
    filename = f"{award.certification.slug}-{award.verification_code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@policy_required(policies.can_view_team_learning)
def team_learning(request: HttpRequest) -> HttpResponse:
    """Show a partner admin their team's paths, progress, overdue learning and
    certifications.
    """
    team = selectors.team_learning_for(request.user)
    return render(
        request, "learning/team_learning.html", {"team": team, "nav": "learning"}
    )


@policy_required(policies.can_view_certification_reports)
def learning_report(request: HttpRequest) -> HttpResponse:
    """Show vendor staff completion and pass rates, certification density per
    partner, skill gaps per tier and the awards (of their programs' partners).
    """
    actor = request.user
    context = {
        "completion": {
            by: selectors.completion_rates_for(actor, by=by)
            for by in selectors.GROUPINGS
        },
        "passes": {
            by: selectors.pass_rates_for(actor, by=by) for by in selectors.GROUPINGS
        },
        "density": selectors.certification_density_for(actor),
        "skill_gaps": selectors.skill_gaps_for(actor),
        "can_revoke": policies.can_revoke_certifications(actor),
        "nav": "learning_report",
        **paginate(request, selectors.list_awards_for(actor), per_page=25),
    }
    return render(request, "learning/learning_report.html", context)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the audit log; the person does not see it.",
    )


@policy_required(policies.can_revoke_certifications)
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a person's certification with a reason."""
    award = selectors.access_award_for_vendor(request.user, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_award(
                award, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("learning:learning_report")
    return render(
        request,
        "learning/certification_revoke.html",
        {"award": award, "form": form, "nav": "learning_report"},
    )


def verify_certificate(request: HttpRequest) -> HttpResponse:
    """Let anyone with a verification code check a certificate: who holds which
    certification, its status and its expiry. Public: a certificate's reader is
    rarely a user of the portal.
    """
    code = request.GET.get("code", "")[:40]
    award = selectors.verify_award(code) if code else None
    context = {"code": code, "award": award, "searched": bool(code.strip())}
    return render(request, "learning/certification_verify.html", context)
