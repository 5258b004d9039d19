"""factory_boy factories with German fake data."""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from municipalities.models import (
    Consultation,
    Contact,
    CouncilMember,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.django.Password("richtig-gutes-passwort")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
            if set(extracted) & set(Role.STAFF):
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("key",)

    # Land 99 does not exist: test districts never collide with the real register.
    key = factory.Sequence(lambda n: f"99{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Landkreis Test {n}")
    official_name = factory.LazyAttribute(lambda d: d.name.removeprefix("Landkreis "))
    kind = District.Kind.RURAL_DISTRICT
    seat = factory.Faker("city", locale="de_DE")
    police_directorate = factory.LazyFunction(lambda: PoliceDirectorate.objects.get(code="dresden"))


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("ags",)

    district = factory.SubFactory(DistrictFactory)
    ags = factory.LazyAttributeSequence(lambda m, n: f"{m.district.key}{n % 1000:03d}")
    name = factory.Faker("city", locale="de_DE")
    official_name = factory.LazyAttribute(lambda m: f"{m.name}, Stadt")
    kind = Municipality.Kind.TOWN
    population = factory.Faker("random_int", min=800, max=90000)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    function = "Bürgermeisterin"
    email = factory.Faker("email", locale="de_DE")
    municipality = factory.SubFactory(MunicipalityFactory)


class ConsultationFactory(DjangoModelFactory):
    class Meta:
        model = Consultation

    municipality = factory.SubFactory(MunicipalityFactory)
    date = factory.Faker("date_between", start_date="-3y", end_date="today")
    kind = Consultation.Kind.CONSULTATION


class PreventionCouncilFactory(DjangoModelFactory):
    class Meta:
        model = PreventionCouncil
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kommunaler Präventionsrat {n}")
    level = PreventionCouncil.Level.MUNICIPALITY
    status = PreventionCouncil.Status.ACTIVE
    constituted_on = factory.Faker("date_between", start_date="-5y", end_date="today")

    @factory.post_generation
    def municipalities(
        self, create: bool, extracted: list[Municipality] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.municipalities.set(extracted)


class CouncilMemberFactory(DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(PreventionCouncilFactory)
    organisation = factory.Faker("company", locale="de_DE")
    person_name = factory.Faker("name", locale="de_DE")
    role = CouncilMember.Role.MEMBER
