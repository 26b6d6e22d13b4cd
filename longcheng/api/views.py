"""REST API. Every viewset reads through `accounts.scoping`, exactly like the pages, and
personal data is masked unless the caller holds the reveal permission and asks with ?reveal=1
(which is audited)."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from longcheng.accounts.scoping import reads_business_records, scope_queryset
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record, audit_refusal
from longcheng.core.models import Division, Unit
from longcheng.parties.models import Enterprise, Institution, Person, Site


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "parent"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "division", "parent", "depth"]

    def get_parent(self, unit) -> int | None:
        # The parent's path is the unit's path less one step; one lookup table per request.
        return self.context["id_by_path"].get(unit.path[: -Unit.steplen])


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "legal_representative",
            "industry",
            "division",
            "address",
            "owner_unit",
            "version",
            "updated_at",
        ]


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "kind",
            "grade",
            "credit_code",
            "licence_number",
            "division",
            "address",
            "owner_unit",
            "version",
            "updated_at",
        ]


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "builder",
            "division",
            "address",
            "latitude",
            "longitude",
            "owner_unit",
            "version",
            "updated_at",
        ]


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "gender",
            "birth_date",
            "tags",
            "division",
            "address",
            "owner_unit",
            "version",
            "updated_at",
        ]

    def _reveal(self) -> bool:
        return bool(self.context.get("reveal"))

    def get_id_number(self, person) -> str:
        return person.id_number if self._reveal() else person.masked_id_number

    def get_phone(self, person) -> str:
        return person.phone if self._reveal() else person.masked_phone


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data every member of staff may read."""


class DivisionViewSet(ReferenceViewSet):
    queryset = Division.objects.all()
    serializer_class = DivisionSerializer


class UnitViewSet(ReferenceViewSet):
    queryset = Unit.objects.order_by("path")
    serializer_class = UnitSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["id_by_path"] = dict(Unit.objects.values_list("path", "id"))
        return context


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        if not reads_business_records(self.request.user):
            raise PermissionDenied("您的角色不查看业务数据。")
        # `queryset` names the model (and types the schema); the scope decides the rows.
        return scope_queryset(self.queryset.order_by("pk"), self.request.user)


class EnterpriseViewSet(ScopedViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer


class InstitutionViewSet(ScopedViewSet):
    queryset = Institution.objects.all()
    serializer_class = InstitutionSerializer


class SiteViewSet(ScopedViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteSerializer


class PersonViewSet(ScopedViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        wants = self.request.query_params.get("reveal") == "1"
        if wants and not self.request.user.has_perm("parties.reveal_personal_data"):
            audit_refusal(actor=self.request.user, what=f"reveal via API {self.request.path}")
            raise PermissionDenied("您没有查看完整个人信息的权限。")
        context["reveal"] = wants
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._audit_reveal([row["id"] for row in response.data.get("results", [])])
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._audit_reveal([response.data["id"]])
        return response

    def _audit_reveal(self, ids: list[int]) -> None:
        if self.get_serializer_context()["reveal"] and ids:
            audit_record(
                actor=self.request.user,
                action=Action.REVEAL,
                object_type="parties.person",
                object_id=",".join(map(str, ids))[:64],
                detail={"ids": ids, "via": "api"},
            )
