import pytest
from django.contrib.auth.models import Permission

from conftest import UserFactory
from longcheng.accounts.roles import Role
from longcheng.privacy import services


def grant_reveal(user):
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))


@pytest.fixture
def approver(org):
    """A second person of the committee holding the reveal permission."""
    user = UserFactory(username="xdsecond", role=Role.CLERK, unit=org.committee)
    grant_reveal(user)
    return user


def verify_and_approve(request, *, clerk, approver):
    """The in-person path: the clerk checks the ID card, the second person approves."""
    services.data_request_check_document(
        actor=clerk,
        request=request,
        document_type="id_card",
        document_number=request.requester_id_number,
    ).verified()
    services.data_request_approve_disclosure(actor=approver, request=request)
    request.refresh_from_db()
    return request
