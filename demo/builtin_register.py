"""A small built-in register for machines without the official file.

The municipalities named in the press releases the product was conceived from, and the districts
they lie in. Keys, names and figures are public facts from the Destatis Gemeindeverzeichnis
(GV100AD, territorial status 30.11.2025, population 31.12.2024); the full register is imported
from the official file with ``import_municipalities``.
"""

from datetime import date
from decimal import Decimal

from municipalities.register_files import (
    DistrictRecord,
    MunicipalityRecord,
    RegisterEdition,
    district_display_name,
    split_official_name,
)

TERRITORIAL_DATE = date(2025, 11, 30)
POPULATION_DATE = date(2024, 12, 31)

# key, Destatis name, kind, seat
DISTRICTS = (
    ("14511", "Chemnitz, Stadt", "kreisfreie_stadt", "Chemnitz"),
    ("14521", "Erzgebirgskreis", "landkreis", "Annaberg-Buchholz"),
    ("14522", "Mittelsachsen", "landkreis", "Freiberg"),
    ("14523", "Vogtlandkreis", "landkreis", "Plauen"),
    ("14524", "Zwickau", "landkreis", "Zwickau"),
    ("14612", "Dresden, Stadt", "kreisfreie_stadt", "Dresden"),
    ("14625", "Bautzen", "landkreis", "Bautzen"),
    ("14626", "Görlitz", "landkreis", "Görlitz"),
    ("14627", "Meißen", "landkreis", "Meißen"),
    ("14628", "Sächsische Schweiz-Osterzgebirge", "landkreis", "Pirna"),
    ("14713", "Leipzig, Stadt", "kreisfreie_stadt", "Leipzig"),
    ("14729", "Leipzig", "landkreis", "Borna"),
    ("14730", "Nordsachsen", "landkreis", "Torgau"),
)

# AGS, ARS, official name, kind, population, area in km², postcode
MUNICIPALITIES = (
    ("14511000", "145110000000", "Chemnitz, Stadt", "kreisfreie_stadt", 245618, "221.03", "09111"),
    ("14522275", "145220275275", "Jahnatal", "gemeinde", 4702, "70.95", "04749"),
    ("14523020", "145230020020", "Auerbach/Vogtl., Stadt", "stadt", 17314, "55.52", "08209"),
    ("14523170", "145230170170", "Lengenfeld, Stadt", "stadt", 6910, "47.00", "08485"),
    (
        "14523320",
        "145230320320",
        "Plauen, Stadt, Hochschulstadt",
        "stadt",
        65599,
        "102.11",
        "08523",
    ),
    ("14523360", "145230360360", "Rodewisch, Stadt", "stadt", 6131, "26.86", "08228"),
    ("14524180", "145245114180", "Limbach-Oberfrohna, Stadt", "stadt", 23673, "50.21", "09212"),
    ("14524190", "145245118190", "Meerane, Stadt", "stadt", 13567, "19.81", "08393"),
    (
        "14524330",
        "145240330330",
        "Zwickau, Stadt, Hochschulstadt",
        "stadt",
        87410,
        "102.58",
        "08056",
    ),
    ("14612000", "146120000000", "Dresden, Stadt", "kreisfreie_stadt", 564904, "328.48", "01067"),
    (
        "14625020",
        "146250020020",
        "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město",
        "stadt",
        37566,
        "66.66",
        "02625",
    ),
    ("14625280", "146250280280", "Königswartha / Rakecy", "gemeinde", 3359, "47.17", "02699"),
    ("14626010", "146265203010", "Bad Muskau / Mužakow, Stadt", "stadt", 3577, "15.38", "02953"),
    (
        "14626110",
        "146260110110",
        "Görlitz, Stadt, Hochschulstadt",
        "stadt",
        55186,
        "67.53",
        "02826",
    ),
    ("14626530", "146260530530", "Seifhennersdorf, Stadt", "stadt", 3536, "19.12", "02782"),
    (
        "14626600",
        "146265242600",
        "Weißwasser/O.L., Stadt / Běła Woda",
        "stadt",
        15002,
        "63.43",
        "02943",
    ),
    ("14626610", "146260610610", "Zittau, Stadt, Hochschulstadt", "stadt", 25286, "66.75", "02763"),
    ("14627060", "146270060060", "Großenhain, Stadt", "stadt", 18183, "130.36", "01558"),
    ("14627140", "146270140140", "Meißen, Stadt", "stadt", 28753, "30.92", "01662"),
    ("14628050", "146280050050", "Bannewitz", "gemeinde", 11122, "25.75", "01728"),
    ("14628060", "146280060060", "Dippoldiswalde, Stadt", "stadt", 13915, "103.99", "01744"),
    ("14628110", "146280110110", "Freital, Stadt", "stadt", 39281, "40.46", "01705"),
    ("14628270", "146285229270", "Pirna, Stadt", "stadt", 40128, "53.06", "01796"),
    ("14713000", "147130000000", "Leipzig, Stadt", "kreisfreie_stadt", 611850, "297.80", "04109"),
    ("14729080", "147290080080", "Colditz, Stadt", "stadt", 8249, "84.07", "04680"),
    ("14729260", "147290260260", "Markkleeberg, Stadt", "stadt", 25331, "31.47", "04416"),
    ("14729410", "147290410410", "Wurzen, Stadt", "stadt", 16238, "69.00", "04808"),
    ("14730310", "147305311310", "Torgau, Stadt", "stadt", 19992, "102.82", "04860"),
)


def builtin_edition() -> RegisterEdition:
    """The built-in set as an edition, imported through the same service as an official file."""
    edition = RegisterEdition(
        format="builtin",
        territorial_date=TERRITORIAL_DATE,
        population_date=POPULATION_DATE,
        is_complete=False,
    )
    for key, official_name, kind, seat in DISTRICTS:
        edition.districts[key] = DistrictRecord(
            key=key,
            official_name=official_name,
            name=district_display_name(official_name, kind),
            kind=kind,
            seat=seat,
            line=0,
        )
    for ags, ars, official_name, kind, population, area, postcode in MUNICIPALITIES:
        name, sorbian = split_official_name(official_name)
        edition.municipalities[ags] = MunicipalityRecord(
            ags=ags,
            ars=ars,
            name=name,
            official_name=official_name,
            sorbian_name=sorbian,
            kind=kind,
            district_key=ags[:5],
            association_key=None,
            population=population,
            area_km2=Decimal(area),
            postcode=postcode,
            has_several_postcodes=False,
            name_possibly_truncated=False,
            line=0,
        )
    return edition
