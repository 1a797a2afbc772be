"""A person's own settings: what reaches their e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from studio.models import MailChoice
from studio.team.forms import MailChoiceForm
from studio.views import AuthedHtmxRequest


@login_required
@require_http_methods(["GET", "POST"])
def mail_choice(request: AuthedHtmxRequest):
    choice = MailChoice.objects.filter(user=request.user).first() or MailChoice(user=request.user)
    form = MailChoiceForm(request.POST or None, instance=choice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved: your e-mail follows these choices.")
        return redirect("studio:mail_choice")
    return render(request, "studio/mail_choice.html", {"form": form})
