"""Personal data is marked, so that it can be exported and erased."""

from django.apps import apps

from asskomm.privacy import PERSONAL_FIELD_NAMES, personal_data_models


def test_declared_personal_fields_exist() -> None:
    for model, fields in personal_data_models():
        names = {field.name for field in model._meta.get_fields()}
        assert set(fields) <= names, model


def test_no_field_with_personal_data_goes_unmarked() -> None:
    for model in apps.get_models():
        if model._meta.app_label not in {
            "accounts",
            "municipalities",
            "agreements",
            "funding",
            "analyses",
        }:
            continue
        if model.__name__.startswith("Historical"):
            continue
        declared = set(getattr(model, "PERSONAL_DATA_FIELDS", ()))
        personal = {
            field.name
            for field in model._meta.concrete_fields
            if field.name in PERSONAL_FIELD_NAMES
        }
        assert personal <= declared, (
            f"{model.__name__}: mark {personal - declared} in PERSONAL_DATA_FIELDS"
        )


def test_contacts_and_council_members_are_marked() -> None:
    marked = {model.__name__ for model, _fields in personal_data_models()}

    assert {"Contact", "CouncilMember", "User"} <= marked
