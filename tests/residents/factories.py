import factory

from residents.models import Community, PresetReply, ResidentIssue, Street, new_tracking_code


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}街道")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"第{n}社区")


class ResidentIssueFactory(factory.django.DjangoModelFactory):
    """An issue as stored; use services.issue_submit where the submission itself matters."""

    class Meta:
        model = ResidentIssue

    tracking_code = factory.LazyFunction(new_tracking_code)
    category = ResidentIssue.Category.PUBLIC_FACILITIES
    street = factory.SubFactory(StreetFactory)
    community = factory.SubFactory(CommunityFactory, street=factory.SelfAttribute("..street"))
    place = "和平里3号楼东门"
    description = "路灯坏了一个多月，晚上出门很黑。"
    channel = ResidentIssue.Channel.WEB


class PresetReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresetReply

    title = factory.Sequence(lambda n: f"常用答复{n}")
    text = "您反映的问题已转交有关部门处理，感谢您的监督。"
