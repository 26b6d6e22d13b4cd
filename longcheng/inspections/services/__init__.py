"""The only code that writes inspections, one module per part of the work: checklist templates
and their versions (`templates`), campaigns and their draws (`campaigns`), visits — also when a
phone sends them late — and re-inspection (`visits`), the party's rectification and the hand-off
to enforcement (`rectification`), and publication with its daily sweep (`publication`). Every
public function is one transaction (`@service`); reads are in `selectors`, pure rules in
`rules`.

`from longcheng.inspections import services; services.campaign_create(...)` reaches them all."""

from longcheng.core.errors import LongchengError, PermissionRefused

from ._shared import InspectionRefused
from .campaigns import campaign_close, campaign_create, campaign_draw, campaign_launch
from .publication import draws_publication_sweep, draws_publish, visits_publish
from .rectification import rectification_report, rectification_transfer
from .templates import (
    template_create,
    template_item_delete,
    template_item_save,
    template_new_version,
    template_publish,
)
from .visits import (
    reinspection_start,
    sync_apply,
    visit_add_photo,
    visit_answer,
    visit_start,
    visit_submit,
)

__all__ = [
    "InspectionRefused",
    "LongchengError",
    "PermissionRefused",
    "campaign_close",
    "campaign_create",
    "campaign_draw",
    "campaign_launch",
    "draws_publication_sweep",
    "draws_publish",
    "rectification_report",
    "rectification_transfer",
    "reinspection_start",
    "sync_apply",
    "template_create",
    "template_item_delete",
    "template_item_save",
    "template_new_version",
    "template_publish",
    "visit_add_photo",
    "visit_answer",
    "visit_start",
    "visit_submit",
    "visits_publish",
]
