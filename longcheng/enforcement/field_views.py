"""The officer's pages of the field app (龙城执法, see inspections/field.py): the patrol page,
kept on the phone for use with no signal, and the list of patrols the phone keeps."""

import datetime

from django.db.models import Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from longcheng.core import clock
from longcheng.core.thumbnails import thumbnail_bytes
from longcheng.inspections.field import FieldPageMixin, field_user_key
from longcheng.inspections.views import thumbnail_response

from .models import Evidence, Patrol
from .selectors import cases_visible_to
from .views import PatrolDetailView, StaffRequired


class FieldPatrolDetailView(FieldPageMixin, PatrolDetailView):
    """The patrol page, marked as the signed-in officer's so that the phone may keep it."""


class PatrolOfflineListView(StaffRequired, View):
    """The officer's patrols the phone keeps: those under way and those of the last two days."""

    def get(self, request):
        since = clock.now() - datetime.timedelta(days=2)
        patrols = (
            Patrol.objects.filter(officers=request.user)
            .filter(Q(ended_at__isnull=True) | Q(started_at__gte=since))
            .order_by("-started_at")
            .values_list("pk", flat=True)[:20]
        )
        response = JsonResponse(
            {
                "user": field_user_key(request.user),
                "pages": [reverse("enforcement:patrol_detail", args=[pk]) for pk in patrols],
            }
        )
        response["Cache-Control"] = "private, no-store"
        return response


class EvidenceFileView(StaffRequired, View):
    """An evidence file of a case the user may see: in full, or a photo as a thumbnail (made
    once with Pillow, then kept)."""

    def get(self, request, pk, thumb=False):
        evidence = get_object_or_404(
            Evidence.objects.exclude(file=""), pk=pk, case__in=cases_visible_to(request.user)
        )
        if thumb:
            return thumbnail_response(evidence.file)
        if thumbnail_bytes(evidence.file) is None:  # not a picture: a download
            return FileResponse(evidence.file.open("rb"), as_attachment=True)
        return FileResponse(evidence.file.open("rb"), content_type="image/jpeg")
