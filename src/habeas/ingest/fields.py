"""Canonical import fields and the header spellings that map onto them.

A list's column headers are matched to these fields after folding case,
accents, punctuation and spacing (``"F. Nac."`` → ``"f nac"``), so each synonym
below is written in that folded form. Unknown columns are never dropped: they
are kept verbatim on the record under ``extra``.
"""

from __future__ import annotations

from habeas.domain.text import fold_header

#: The fields of a person's place of residence, stored together on the record as written
#: (``record.residence``) and compared by record linkage (:mod:`habeas.domain.addresses`).
#: ``street_number`` is for lists that write the house number in a column of its own: it
#: is kept apart and put back in front of the street when the address is compared.
RESIDENCE_FIELDS: tuple[str, ...] = (
    "street_number",
    "address",
    "address_line2",
    "locality",
    "postcode",
    "region",
)

CANONICAL_FIELDS: tuple[str, ...] = (
    "record_id",
    "full_name",
    "given_names",
    "surnames",
    "first_surname",
    "second_surname",
    "sex",
    "date_of_birth",
    "age",
    "nationality",
    "country_of_birth",
    "a_number",
    "national_id",
    "passport",
    "event_type",
    "event_date",
    "place",
    "facility",
    "unit",
    "flight",
    "legal_basis",
    "criminal_record",
    "hearing",
    "notes",
    # Time of day, authorities and further legal facts (issue 5: trace).
    "event_time",
    "time_zone",
    "event_authority",
    "ordering_authority",
    "supervising_authority",
    "notice",
    "asylum_claim",
    "counsel",
    "court_order",
    "court_order_date",
    "court_order_time",
    "court",
    "detention_term",
    "health",
    "family_notified",
    # Who reported or witnessed (issue 7): witness_protected, kept out of ``record.raw``.
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
    "witness_name",
    "witness_contact",
    # Place of residence (a relative's report: home address, city, state).
    *RESIDENCE_FIELDS,
)

#: Fields that identify the people who report or witness (relatives, witnesses, ICPPED
#: art. 18(2)): their values are stored apart from the record's ``raw`` values, sealed,
#: and shown only to roles cleared for ``witness_protected``.
PROTECTED_FIELDS: tuple[str, ...] = (
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
    "witness_name",
    "witness_contact",
)

# Folded header text -> canonical field. English and Spanish forms seen in
# manifests, press lists, relatives' reports, court filings and NGO sheets.
HEADER_SYNONYMS: dict[str, str] = {}


def _add(field: str, *forms: str) -> None:
    for form in forms:
        if HEADER_SYNONYMS.get(form, field) != field:
            raise ValueError(
                f"header {form!r} would map to both {HEADER_SYNONYMS[form]!r} and {field!r}"
            )
        HEADER_SYNONYMS[form] = field


_add(
    "record_id",
    "record id",
    "id",
    "no",
    "nro",
    "numero",
    "n",
    "row id",
    "entry",
    "entry id",
    "registro",
    "id registro",
    "caso",
    "case id",
    "case no",
    "folio",
    "item",
    "line",
)
_add(
    "full_name",
    "full name",
    "name",
    "nombre",
    "nombre completo",
    "nombres y apellidos",
    "apellidos y nombres",
    "detainee",
    "detainee name",
    "detenido",
    "persona",
    "passenger",
    "passenger name",
    "pasajero",
    "name of detainee",
    "nombre del detenido",
    "fullname",
    "petitioner",
    "peticionario",
    "beneficiario",
)
_add(
    "given_names",
    "given names",
    "given name",
    "first name",
    "first names",
    "first",
    "nombres",
    "primer nombre y segundo nombre",
    "forename",
    "forenames",
    "firstname",
)
_add(
    "surnames",
    "surnames",
    "surname",
    "last name",
    "last names",
    "lastname",
    "apellidos",
    "apellido",
    "family name",
    "family names",
)
_add(
    "first_surname",
    "first surname",
    "primer apellido",
    "paternal surname",
    "apellido paterno",
    "apellido 1",
    "apellido1",
)
_add(
    "second_surname",
    "second surname",
    "segundo apellido",
    "maternal surname",
    "apellido materno",
    "apellido 2",
    "apellido2",
    "mothers maiden name",
)
_add("sex", "sex", "sexo", "gender", "genero", "m f", "s")
_add(
    "date_of_birth",
    "date of birth",
    "dob",
    "d o b",
    "birth date",
    "birthdate",
    "born",
    "fecha de nacimiento",
    "fecha nacimiento",
    "f nac",
    "f nacimiento",
    "fec nac",
    "fnac",
    "nacimiento",
    "fecha nac",
)
_add("age", "age", "edad", "age at arrest", "edad al arresto")
_add(
    "nationality",
    "nationality",
    "nacionalidad",
    "citizenship",
    "ciudadania",
    "country",
    "pais",
    "country of citizenship",
    "pais de nacionalidad",
)
_add(
    "country_of_birth",
    "country of birth",
    "pais de nacimiento",
    "birth country",
    "cob",
    "lugar de nacimiento",
    "place of birth",
)
_add(
    "a_number",
    "a number",
    "a",
    "a no",
    "a nr",
    "alien number",
    "alien registration number",
    "alien no",
    "anumber",
    "a num",
    "numero a",
    "numero de extranjero",
    "a file",
    "a file number",
)
_add(
    "national_id",
    "national id",
    "cedula",
    "ci",
    "c i",
    "cedula de identidad",
    "dui",
    "documento",
    "documento de identidad",
    "id number",
    "numero de cedula",
    "cedula ci",
    "national id number",
    "identity card",
    "dni",
)
_add("passport", "passport", "pasaporte", "passport number", "passport no", "numero de pasaporte")
_add("event_type", "event type", "event", "tipo de evento", "evento", "status", "estado")
_add(
    "event_date",
    "event date",
    "date",
    "fecha",
    "fecha del evento",
    "fecha de evento",
    "flight date",
    "fecha de vuelo",
    "date of removal",
    "fecha de deportacion",
    "removal date",
    "date of arrest",
    "fecha de detencion",
    "arrest date",
    "fecha de arresto",
    "date of return",
    "fecha de retorno",
    "fecha de repatriacion",
    "fecha del hecho",
    "fecha de ingreso",
    "admission date",
    "date of admission",
)
_add(
    "place",
    "place",
    "lugar",
    "location",
    "ubicacion",
    "city",
    "ciudad",
    "last known location",
    "ultima ubicacion conocida",
    "ultimo paradero conocido",
    "paradero",
)
_add(
    "facility",
    "facility",
    "centro",
    "centro de detencion",
    "detention center",
    "detention facility",
    "prison",
    "prision",
    "carcel",
    "centro penal",
    "penal",
    "detention centre",
    "institution",
)
_add(
    "unit",
    "unit",
    "cell",
    "celda",
    "modulo",
    "pabellon",
    "building",
    "edificio",
    "sector",
    "unidad",
    "block",
    "housing unit",
)
_add(
    "flight",
    "flight",
    "vuelo",
    "flight number",
    "numero de vuelo",
    "flight no",
    "flt",
    "aircraft",
    "avion",
)
_add(
    "legal_basis",
    "legal basis",
    "base legal",
    "fundamento legal",
    "authority",
    "removal authority",
    "autoridad de remocion",
    "basis",
    "removal basis",
    "charge basis",
)
_add(
    "criminal_record",
    "criminal record",
    "antecedentes",
    "antecedentes penales",
    "record",
    "criminal history",
    "convictions",
    "condenas",
    "criminal",
)
_add("hearing", "hearing", "audiencia", "hearing held", "hubo audiencia", "court hearing")
_add(
    "event_time",
    "event time",
    "time",
    "hora",
    "hora del evento",
    "departure time",
    "hora de salida",
    "time of departure",
    "departure",
    "salida",
    "wheels up",
    "time utc",
    "hora utc",
    "arrival time",
    "hora de llegada",
    "time of arrest",
    "hora de detencion",
)
_add("time_zone", "time zone", "timezone", "tz", "zona horaria", "huso horario")
# "authority" alone stays a legal-basis header (manifests write AEA / TITLE 8 under it).
_add(
    "event_authority",
    "arresting authority",
    "autoridad aprehensora",
    "agency",
    "agencia",
    "responsible authority",
    "autoridad responsable",
    "carried out by",
    "custodian",
    "custodial authority",
    "autoridad a cargo",
    "transfer authority",
    "autoridad del traslado",
)
_add(
    "ordering_authority",
    "ordering authority",
    "ordered by",
    "autoridad que ordeno",
    "ordenado por",
    "autoridad ordenadora",
    "order issued by agency",
    "designated by",
)
_add(
    "supervising_authority",
    "supervising authority",
    "autoridad supervisora",
    "supervised by",
    "supervisado por",
    "oversight authority",
)
_add(
    "notice",
    "notice",
    "notice given",
    "notice served",
    "notificacion",
    "aviso",
    "notice of removal",
    "notice of designation",
    "notificado",
)
_add(
    "asylum_claim",
    "asylum",
    "asylum claim",
    "asylum claim pending",
    "asylum status",
    "asilo",
    "solicitud de asilo",
    "asilo pendiente",
)
_add(
    "counsel",
    "counsel",
    "lawyer",
    "abogado",
    "legal counsel",
    "representation",
    "representacion legal",
    "defensa",
    "attorney",
)
_add(
    "court_order",
    "court order",
    "orden judicial",
    "order barring removal",
    "orden del tribunal",
    "judicial order",
)
_add(
    "court_order_date",
    "court order date",
    "order date",
    "fecha de la orden",
    "date of order",
    "order entered",
    "fecha orden",
)
_add(
    "court_order_time",
    "court order time",
    "order time",
    "hora de la orden",
    "time of order",
    "hora orden",
)
_add("court", "court", "tribunal", "juzgado", "issuing court", "order issued by", "corte")
_add(
    "detention_term",
    "detention term",
    "stated term",
    "plazo",
    "plazo de reclusion",
    "plazo de detencion",
    "term of detention",
)
_add(
    "health",
    "health",
    "state of health",
    "estado de salud",
    "salud",
    "medical",
    "injuries",
    "lesiones",
)
_add(
    "family_notified",
    "family notified",
    "familia notificada",
    "notificacion a la familia",
    "family notification",
)
_add(
    "reporter_name",
    "reporter",
    "reporter name",
    "reported by",
    "reporting person",
    "reportado por",
    "reportada por",
    "denunciante",
    "nombre del denunciante",
    "nombre de quien reporta",
    "quien reporta",
    "informante",
    "nombre del informante",
    "familiar que reporta",
    "nombre del familiar",
    "contact person",
    "persona de contacto",
    "next of kin",
    "emergency contact",
)
_add(
    "reporter_contact",
    "phone",
    "telephone",
    "phone number",
    "contact phone",
    "reporter phone",
    "reporter contact",
    "telefono",
    "telefono de contacto",
    "numero de telefono",
    "celular",
    "movil",
    "whatsapp",
    "email",
    "e mail",
    "correo",
    "correo electronico",
    "contacto",
    "datos de contacto",
    "telefono del denunciante",
    "telefono del familiar",
    "contact details",
)
_add(
    "reporter_relationship",
    "relationship",
    "relation",
    "relationship to detainee",
    "relationship to the person",
    "parentesco",
    "relacion",
    "vinculo",
    "vinculo familiar",
    "relacion con el detenido",
)
_add(
    "witness_name",
    "witness",
    "witness name",
    "witnesses",
    "testigo",
    "testigos",
    "nombre del testigo",
    "nombre de testigo",
)
_add(
    "witness_contact",
    "witness phone",
    "witness contact",
    "telefono del testigo",
    "contacto del testigo",
)
# Place of residence. Bare "estado"/"state" (status), "city"/"ciudad" (the event's place),
# "sector"/"building" (a prison unit) and "numero" (record id) already mean something else.
_add(
    "street_number",
    "street number",
    "street no",
    "street nr",
    "house number",
    "house no",
    "house nr",
    "numero de casa",
    "nro de casa",
    "no de casa",
    "numero de calle",
    "numero de vivienda",
    "nro casa",
)
_add(
    "address",
    "address",
    "home address",
    "street address",
    "street",
    "address 1",
    "address line 1",
    "address1",
    "residential address",
    "address of residence",
    "last address",
    "last known address",
    "direccion",
    "direccion 1",
    "domicilio",
    "calle",
    "direccion de habitacion",
    "direccion de residencia",
    "direccion de domicilio",
    "direccion del domicilio",
    "ultima direccion",
    "ultima direccion conocida",
    "ultimo domicilio",
    "ultimo domicilio conocido",
    "domicilio actual",
)
_add(
    "address_line2",
    "address 2",
    "address line 2",
    "address2",
    "direccion 2",
    "urbanizacion",
    "urb",
    "barrio",
    "colonia",
    "urbanizacion o sector",
    "complemento",
)
_add(
    "locality",
    "locality",
    "localidad",
    "suburb",
    "town",
    "town city",
    "city town",
    "municipality",
    "municipio",
    "city of residence",
    "place of residence",
    "residence",
    "home town",
    "hometown",
    "ciudad de residencia",
    "lugar de residencia",
    "residencia",
    "municipio de residencia",
    "localidad de residencia",
    "ciudad o municipio",
    "pueblo",
    "poblacion",
)
_add(
    "postcode",
    "postcode",
    "post code",
    "postal code",
    "zip",
    "zip code",
    "zipcode",
    "codigo postal",
    "cod postal",
    "cp",
    "c p",
    "zona postal",
)
_add(
    "region",
    "region",
    "state of residence",
    "home state",
    "state province",
    "province",
    "estado de residencia",
    "provincia",
    "departamento",
    "entidad federal",
    "estado provincia",
    "region de residencia",
    "provincia de residencia",
)
_add(
    "notes",
    "notes",
    "note",
    "notas",
    "observaciones",
    "comments",
    "comentarios",
    "remarks",
    "obs",
    "detalles",
    "details",
    "testimony",
    "testimonio",
)


def guess_field(header: str) -> str | None:
    """The canonical field a header stands for, or ``None`` if unknown.

    ``A#`` folds to ``a``; ``C.I.`` to ``c i``; ``F. Nac.`` to ``f nac``.
    """
    folded = fold_header(header)
    if folded in CANONICAL_FIELDS:
        return folded
    if folded.replace(" ", "_") in CANONICAL_FIELDS:
        return folded.replace(" ", "_")
    return HEADER_SYNONYMS.get(folded)
