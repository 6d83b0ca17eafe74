"""Name pools for the synthetic population: given names, surnames, nicknames, variants.

Every synthetic name is a random combination drawn from these pools, so no
generated person is a real person. The pools hold common Venezuelan and
Salvadoran given names and surnames; weights follow a rough Zipf shape so that
a few names cover a large share of people (namesakes are frequent, as in the
real lists). Spelling variants and nicknames are what *lists* write instead of
the name a person's identity document carries.
"""

from __future__ import annotations

import numpy as np

# Venezuelan men: first given name (weights are relative frequencies).
VEN_MALE_FIRST: tuple[tuple[str, float], ...] = (
    ("José", 14.0),
    ("Luis", 7.0),
    ("Carlos", 6.0),
    ("Jesús", 5.0),
    ("Juan", 5.0),
    ("Jhon", 3.5),
    ("Yeferson", 3.0),
    ("Brayan", 3.0),
    ("Miguel", 3.0),
    ("Daniel", 3.0),
    ("Jorge", 2.5),
    ("Pedro", 2.0),
    ("Rafael", 2.5),
    ("Ángel", 2.5),
    ("Víctor", 2.0),
    ("Francisco", 2.0),
    ("Manuel", 2.0),
    ("Alejandro", 2.0),
    ("Eduardo", 1.5),
    ("Andrés", 1.5),
    ("Maikel", 2.0),
    ("Deivis", 1.2),
    ("Jhonny", 1.5),
    ("Yorman", 1.2),
    ("Yohan", 1.2),
    ("Jeison", 1.2),
    ("Kevin", 1.5),
    ("Wilmer", 1.2),
    ("Richard", 1.0),
    ("Antonio", 1.5),
    ("Roberto", 1.0),
    ("Ramón", 1.0),
    ("Enrique", 0.8),
    ("Guillermo", 0.8),
    ("Ignacio", 0.5),
    ("Freddy", 1.0),
    ("Nelson", 1.0),
    ("Óscar", 1.0),
    ("Gabriel", 1.0),
    ("Leonardo", 1.0),
    ("Anderson", 1.2),
    ("Frank", 0.8),
    ("Edgar", 0.8),
    ("Héctor", 0.7),
    ("Ronald", 0.7),
    ("Wuilliam", 0.5),
    ("Yonaiker", 0.5),
    ("Keiber", 0.5),
    ("Ender", 0.6),
)
# Second given names of Venezuelan men ("José *Gregorio*", "Luis *Alberto*").
VEN_MALE_SECOND: tuple[tuple[str, float], ...] = (
    ("Luis", 5.0),
    ("Gregorio", 4.0),
    ("Alberto", 4.0),
    ("Alejandro", 3.5),
    ("Antonio", 3.0),
    ("Rafael", 3.0),
    ("Eduardo", 3.0),
    ("Enrique", 2.0),
    ("Manuel", 3.0),
    ("José", 3.0),
    ("Ángel", 3.0),
    ("Miguel", 2.0),
    ("David", 2.5),
    ("Daniel", 2.5),
    ("Javier", 2.0),
    ("Alexander", 3.0),
    ("Gabriel", 2.0),
    ("Ramón", 1.5),
    ("Jesús", 2.0),
    ("Andrés", 1.5),
    ("Francisco", 1.5),
    ("Armando", 1.5),
    ("Ricardo", 1.5),
    ("Fernando", 1.5),
    ("Isaac", 1.0),
    ("Adrián", 1.0),
    ("Elías", 1.0),
    ("Orlando", 1.0),
    ("Guillermo", 0.8),
    ("Roberto", 0.8),
)
SLV_MALE_FIRST: tuple[tuple[str, float], ...] = (
    ("José", 10.0),
    ("Juan", 6.0),
    ("Carlos", 5.0),
    ("Luis", 4.0),
    ("Mario", 3.0),
    ("Óscar", 3.0),
    ("Walter", 3.0),
    ("Nelson", 3.0),
    ("Edwin", 3.0),
    ("Wilber", 2.5),
    ("Kevin", 2.5),
    ("Josué", 2.5),
    ("Marvin", 2.5),
    ("Henry", 2.0),
    ("Elmer", 2.0),
    ("Douglas", 2.0),
    ("Rolando", 1.5),
    ("Santos", 1.5),
    ("Jonathan", 2.0),
    ("Francisco", 2.0),
    ("Manuel", 1.5),
    ("Ernesto", 1.5),
    ("Salvador", 1.5),
    ("Rigoberto", 1.0),
    ("Fredy", 1.5),
)
SLV_MALE_SECOND: tuple[tuple[str, float], ...] = (
    ("Antonio", 4.0),
    ("Alberto", 3.0),
    ("Ernesto", 2.5),
    ("Alexander", 3.0),
    ("Armando", 2.5),
    ("Mauricio", 2.5),
    ("Rafael", 2.0),
    ("Benjamín", 1.5),
    ("Enrique", 2.0),
    ("Adalberto", 1.0),
    ("Isaías", 1.0),
    ("Geovanni", 1.5),
    ("Osmín", 1.0),
    ("René", 1.5),
    ("Edgardo", 1.5),
)
VEN_FEMALE_FIRST: tuple[tuple[str, float], ...] = (
    ("María", 10.0),
    ("Yenifer", 2.0),
    ("Daniela", 2.0),
    ("Andreína", 1.5),
    ("Yusmary", 1.0),
    ("Génesis", 1.5),
    ("Carolina", 1.5),
    ("Yuleidy", 1.0),
    ("Oriana", 1.0),
    ("Ana", 2.0),
)
VEN_FEMALE_SECOND: tuple[tuple[str, float], ...] = (
    ("José", 4.0),
    ("Alejandra", 3.0),
    ("Gabriela", 3.0),
    ("Fernanda", 2.0),
    ("Carolina", 2.0),
    ("Isabel", 2.0),
    ("Victoria", 1.5),
    ("Valentina", 1.5),
    ("del Carmen", 1.5),
    ("Elena", 1.5),
)
VEN_SURNAMES: tuple[tuple[str, float], ...] = (
    ("González", 12.0),
    ("Rodríguez", 10.0),
    ("Pérez", 9.0),
    ("Hernández", 8.0),
    ("García", 8.0),
    ("Martínez", 7.0),
    ("López", 7.0),
    ("Díaz", 5.0),
    ("Sánchez", 5.0),
    ("Ramírez", 4.5),
    ("Torres", 4.0),
    ("Flores", 3.5),
    ("Rojas", 4.0),
    ("Morales", 3.5),
    ("Castillo", 3.0),
    ("Gutiérrez", 3.0),
    ("Moreno", 3.0),
    ("Romero", 3.0),
    ("Álvarez", 3.0),
    ("Jiménez", 2.5),
    ("Ruiz", 2.0),
    ("Mendoza", 2.5),
    ("Medina", 2.5),
    ("Chávez", 2.5),
    ("Suárez", 2.5),
    ("Contreras", 2.0),
    ("Blanco", 2.0),
    ("Guerrero", 1.5),
    ("Rivas", 2.0),
    ("Vargas", 2.0),
    ("Castro", 2.0),
    ("Ortiz", 1.5),
    ("Silva", 2.0),
    ("Núñez", 2.0),
    ("Peña", 2.0),
    ("Ibáñez", 1.0),
    ("Marcano", 1.5),
    ("Villegas", 1.2),
    ("Parra", 1.5),
    ("Salazar", 1.5),
    ("Aponte", 1.0),
    ("Colmenares", 1.0),
    ("Quintero", 1.2),
    ("Bracho", 1.0),
    ("Urdaneta", 1.0),
    ("Briceño", 1.2),
    ("Montilla", 0.8),
    ("Zambrano", 1.0),
    ("Carrasquero", 0.6),
    ("Escalona", 0.8),
    ("Linares", 1.0),
    ("Mujica", 0.8),
    ("Ochoa", 0.8),
    ("Pacheco", 0.8),
    ("Querales", 0.5),
    ("Rondón", 0.8),
    ("Tovar", 0.8),
    ("Uzcátegui", 0.6),
    ("Yépez", 0.6),
    ("Zerpa", 0.6),
    ("Muñoz", 1.5),
    ("Acosta", 1.2),
    ("De Freitas", 0.8),
    ("Da Silva", 0.8),
    ("De La Cruz", 0.8),
    ("De Sousa", 0.5),
    ("Dos Santos", 0.4),
    ("Del Valle", 0.6),
    ("De Abreu", 0.4),
    ("De Los Santos", 0.4),
)
SLV_SURNAMES: tuple[tuple[str, float], ...] = (
    ("Hernández", 10.0),
    ("López", 7.0),
    ("Martínez", 7.0),
    ("Rivera", 5.0),
    ("Flores", 5.0),
    ("Ramírez", 4.0),
    ("Cruz", 4.0),
    ("Reyes", 4.0),
    ("Portillo", 3.0),
    ("Alvarado", 3.0),
    ("Mejía", 3.0),
    ("Orellana", 2.5),
    ("Quintanilla", 2.0),
    ("Ayala", 2.0),
    ("Argueta", 2.0),
    ("Chicas", 1.5),
    ("Guardado", 1.5),
    ("Menjívar", 1.5),
    ("Escobar", 1.5),
    ("Funes", 1.0),
    ("García", 4.0),
    ("Pérez", 3.0),
    ("Rodríguez", 3.0),
    ("Díaz", 2.0),
    ("Romero", 2.0),
)

# Nicknames relatives use instead of the given name ("Goyo" for José Gregorio).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "José Gregorio": ("Goyo",),
    "José": ("Pepe", "Cheo"),
    "Jesús": ("Chucho", "Chuy"),
    "Francisco": ("Paco", "Pancho"),
    "Rafael": ("Rafa",),
    "Manuel": ("Manolo",),
    "Ignacio": ("Nacho",),
    "Enrique": ("Kike",),
    "Roberto": ("Beto",),
    "Eduardo": ("Lalo",),
    "Luis": ("Lucho",),
    "Antonio": ("Toño",),
    "Ramón": ("Moncho",),
    "Guillermo": ("Memo",),
    "Alejandro": ("Alex",),
    "Daniel": ("Dani",),
    "María José": ("Majo",),
    "Carlos": ("Carlitos",),
    "Miguel": ("Migue",),
}
# Anglicised / alternative spellings lists write for Venezuelan forms.
VARIANTS: dict[str, tuple[str, ...]] = {
    "Jhon": ("John", "Jon"),
    "Yeferson": ("Jefferson", "Jeferson"),
    "Brayan": ("Brian", "Bryan"),
    "Maikel": ("Michael", "Maicol"),
    "Deivis": ("Davis",),
    "Jhonny": ("Johnny", "Yoni"),
    "Yorman": ("Jorman",),
    "Yenifer": ("Jennifer",),
    "Yohan": ("Johan",),
    "Jeison": ("Jayson",),
    "Wuilliam": ("William",),
    "Freddy": ("Fredy",),
    "Yonaiker": ("Jonaiker",),
}

ALL_GIVEN: frozenset[str] = frozenset(
    n
    for pool in (
        VEN_MALE_FIRST,
        VEN_MALE_SECOND,
        SLV_MALE_FIRST,
        SLV_MALE_SECOND,
        VEN_FEMALE_FIRST,
        VEN_FEMALE_SECOND,
    )
    for n, _ in pool
)
ALL_SURNAMES: frozenset[str] = frozenset(
    n for pool in (VEN_SURNAMES, SLV_SURNAMES) for n, _ in pool
)


class Pool:
    """A weighted name pool: names, and the probability of drawing each."""

    def __init__(self, entries: tuple[tuple[str, float], ...]) -> None:
        merged: dict[str, float] = {}
        for name, weight in entries:
            merged[name] = merged.get(name, 0.0) + weight
        self.names: list[str] = list(merged)
        weights = np.array(list(merged.values()), dtype=float)
        self.p: np.ndarray = weights / weights.sum()

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Indices into ``names`` of ``size`` independent draws."""
        return rng.choice(len(self.names), size=size, p=self.p)


POOLS: dict[str, Pool] = {
    "ven_male_first": Pool(VEN_MALE_FIRST),
    "ven_male_second": Pool(VEN_MALE_SECOND),
    "slv_male_first": Pool(SLV_MALE_FIRST),
    "slv_male_second": Pool(SLV_MALE_SECOND),
    "ven_female_first": Pool(VEN_FEMALE_FIRST),
    "ven_female_second": Pool(VEN_FEMALE_SECOND),
    "ven_surnames": Pool(VEN_SURNAMES),
    "slv_surnames": Pool(SLV_SURNAMES),
}
