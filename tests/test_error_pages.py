import pytest
from django.utils import translation


@pytest.mark.django_db
def test_unknown_page_answers_404_with_the_portal_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    with translation.override("zh-hans"):
        assert translation.gettext("Page not found") in response.content.decode()
