"""Controlled vocabularies of the catalogue: categories, statuses, actions, precisions.

Each vocabulary is a :class:`enum.StrEnum` whose values are the strings stored in the
CSV files, with a one-line definition in ``DEFINITIONS`` (the README tables are
checked against these by ``tests/test_vocabulary.py``).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What kind of facility, site or programme a catalogue row is."""

    WIND = "wind"
    SOLAR = "solar"
    HYDRO = "hydro"
    PUMPED_STORAGE = "pumped_storage"
    ENERGY_STORAGE = "energy_storage"
    SUBSTATION = "substation"
    WETLAND = "wetland"
    LOGISTICS = "logistics"
    PORT_WATERWAY = "port_waterway"
    TRANSPORT = "transport"
    HYDROGEN = "hydrogen"
    BIOMASS_WASTE = "biomass_waste"
    GEOTHERMAL = "geothermal"
    GAS_OIL = "gas_oil"
    COAL_POWER = "coal_power"
    NUCLEAR = "nuclear"
    CCUS = "ccus"
    INDUSTRIAL_PARK = "industrial_park"
    INDUSTRIAL_PLANT = "industrial_plant"
    CIRCULAR_ECONOMY = "circular_economy"
    FOREST_ECOLOGY = "forest_ecology"
    EV_CHARGING = "ev_charging"
    DISTRICT_ENERGY = "district_energy"
    OTHER = "other"


class Status(StrEnum):
    """Project stage, modelled on the Global Energy Monitor trackers, plus what plans need."""

    ANNOUNCED = "announced"
    PRE_CONSTRUCTION = "pre-construction"
    CONSTRUCTION = "construction"
    OPERATING = "operating"
    SHELVED = "shelved"
    CANCELLED = "cancelled"
    RETIRED = "retired"
    PROTECTION = "protection"


class Action(StrEnum):
    """What the plan does to the project."""

    NEW = "new"
    EXPANSION = "expansion"
    UPGRADE = "upgrade"
    CONVERSION = "conversion"
    RELOCATION = "relocation"
    RESTORATION = "restoration"
    PROTECTION = "protection"
    CLOSURE = "closure"
    OPERATION = "operation"


class Precision(StrEnum):
    """How well a point locates a project, finest first."""

    EXACT = "exact"
    SITE = "site"
    TOWN = "town"
    CORRIDOR = "corridor"
    COUNTY = "county"
    REGION = "region"


#: one colour per category: the map, the GeoPackage's QGIS style
CATEGORY_COLOURS: dict[str, str] = {
    "wind": "#1f77b4", "solar": "#f2b701", "hydro": "#17becf", "pumped_storage": "#3949ab",
    "energy_storage": "#8e24aa", "substation": "#d62728", "wetland": "#2ca02c", "logistics": "#8c564b",
    "port_waterway": "#00838f", "transport": "#7f7f7f", "hydrogen": "#e377c2", "biomass_waste": "#9e9d24",
    "geothermal": "#ff7f0e", "gas_oil": "#6d4c41", "coal_power": "#212121", "nuclear": "#c2185b",
    "ccus": "#5d4037", "industrial_park": "#455a64", "industrial_plant": "#546e7a", "circular_economy": "#558b2f",
    "forest_ecology": "#1b5e20", "ev_charging": "#0097a7", "district_energy": "#f4511e", "other": "#9e9e9e",
}

DEFINITIONS: dict[StrEnum, str] = {
    Category.WIND: "wind farms and wind power projects",
    Category.SOLAR: "solar PV and solar thermal: ground-mounted, fishery/agri-PV, named rooftop programmes",
    Category.HYDRO: "conventional hydropower stations (not pumped storage)",
    Category.PUMPED_STORAGE: "pumped-storage hydropower stations",
    Category.ENERGY_STORAGE: "battery, compressed-air, flywheel and other storage; shared storage stations",
    Category.SUBSTATION: "substations, switching stations and named grid projects, transmission lines included",
    Category.WETLAND: "wetlands, wetland parks, lakes and rivers named for protection or restoration",
    Category.LOGISTICS: "logistics parks, freight hubs, cold-chain and bonded logistics bases, warehousing",
    Category.PORT_WATERWAY: "ports, wharves, terminals, anchorages, navigation channels and waterway works",
    Category.TRANSPORT: "railways, roads, expressways, airports, bus and rail transit, transport hubs",
    Category.HYDROGEN: "hydrogen production, refuelling stations and hydrogen industry parks",
    Category.BIOMASS_WASTE: "biomass power, waste-to-energy, landfill gas, biogas, sludge and kitchen-waste plants",
    Category.GEOTHERMAL: "geothermal heating and power, ground-source heat pump schemes",
    Category.GAS_OIL: "natural gas and oil: pipelines, LNG stations, gas storage, filling stations, gas power",
    Category.COAL_POWER: "coal-fired power and CHP plants, coal mines and coal-consuming energy sites",
    Category.NUCLEAR: "nuclear power and nuclear heating",
    Category.CCUS: "carbon capture, utilisation and storage",
    Category.INDUSTRIAL_PARK: "industrial parks, development zones and named industrial clusters",
    Category.INDUSTRIAL_PLANT: "individual factories and enterprises named for upgrades, closure or relocation",
    Category.CIRCULAR_ECONOMY: "recycling bases, resource recovery, industrial solid waste, remanufacturing",
    Category.FOREST_ECOLOGY: "forests, afforestation, forest parks, nature reserves, ecological restoration",
    Category.EV_CHARGING: "EV charging and battery-swap networks and stations",
    Category.DISTRICT_ENERGY: "district heating/cooling, waste-heat recovery, integrated energy stations",
    Category.OTHER: "named site-specific entries that fit no other category (platforms, demonstration zones)",
    Status.ANNOUNCED: "named in the plan as to be developed, with no sign of further progress",
    Status.PRE_CONSTRUCTION: "in planning, feasibility or approval (前期工作, 谋划, 争取核准, 规划建设)",
    Status.CONSTRUCTION: "under construction or construction to be accelerated (在建, 加快建设, 建设进度)",
    Status.OPERATING: "built and in operation (建成, 投运, 已有)",
    Status.SHELVED: "paused with no progress reported (停缓建)",
    Status.CANCELLED: "abandoned",
    Status.RETIRED: "closed, decommissioned or phased out (关停, 淘汰)",
    Status.PROTECTION: "an existing natural site under protection, management or restoration",
    Action.NEW: "a new facility or site",
    Action.EXPANSION: "adds capacity to an existing facility (扩建, 扩容, 二期)",
    Action.UPGRADE: "retrofit or modernisation of an existing facility (改造, 升级, 提质)",
    Action.CONVERSION: "a change of fuel or use (煤改气, 改造为, 转型)",
    Action.RELOCATION: "moves a facility (退城进郊, 搬迁)",
    Action.RESTORATION: "ecological restoration or rehabilitation (修复, 治理)",
    Action.PROTECTION: "conservation and management of an existing site (保护)",
    Action.CLOSURE: "shuts a facility down (关停, 淘汰)",
    Action.OPERATION: "keeps running or uses an existing facility without change",
    Precision.EXACT: "coordinates of the facility itself from an official or surveyed source",
    Precision.SITE: "the named site (plant, lake, port, park) from a citable reference",
    Precision.TOWN: "the town, township or subdistrict the plan names",
    Precision.CORRIDOR: ("a linear work (railway, road, waterway, pipeline) drawn as a schematic line through the "
                         "places the plan names as its ends or waypoints; the point is on that line"),
    Precision.COUNTY: "representative point of the county-level division (not a site)",
    Precision.REGION: "representative point of the plan's whole region (not a site)",
}


class Comparator(StrEnum):
    """How a target's value binds."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ABOUT = "about"
    EXACTLY = "exactly"


class TargetUnit(StrEnum):
    """Units of the targets table (normalised like the catalogue's capacities)."""

    MW = "MW"
    MWH = "MWh"
    PERCENT = "%"
    HA = "ha"
    M3 = "m3"
    T = "t"
    T_PER_YR = "t/yr"
    TCE = "tce"
    GCE_PER_KWH = "gce/kWh"
    KM = "km"
    COUNT = "count"


#: target indicators: key -> definition (``other`` needs a clear ``indicator_text``)
TARGET_INDICATORS: dict[str, str] = {
    "wind_capacity": "installed wind power capacity",
    "solar_capacity": "installed solar PV capacity",
    "hydro_capacity": "installed hydropower capacity",
    "biomass_capacity": "installed biomass / waste-to-energy power capacity",
    "new_energy_capacity": "installed new-energy (wind + solar ...) power capacity",
    "renewable_capacity": "installed renewable power capacity",
    "clean_energy_capacity": "installed clean-energy power capacity",
    "storage_capacity": "installed new-type energy storage capacity",
    "pumped_storage_capacity": "installed pumped-storage capacity",
    "new_energy_capacity_share": "share of new / clean energy in installed power capacity",
    "new_energy_generation_share": "share of new / clean energy in power generation",
    "non_fossil_energy_share": "share of non-fossil energy in primary energy consumption",
    "renewable_energy_share": "share of renewable energy in energy consumption",
    "coal_consumption_share": "share of coal in energy consumption",
    "coal_consumption": "coal consumption (amount)",
    "natural_gas_consumption": "natural gas consumption (amount)",
    "natural_gas_share": "share of natural gas in energy consumption",
    "energy_intensity_reduction": "fall in energy use per unit of GDP",
    "carbon_intensity_reduction": "fall in CO2 emissions per unit of GDP",
    "coal_power_heat_rate": "average coal consumption of power supply",
    "forest_cover": "forest cover rate",
    "forest_stock": "forest growing stock volume",
    "afforestation_area": "area to afforest or restore",
    "grassland_cover": "grassland vegetation cover",
    "wetland_protection_rate": "wetland protection rate",
    "wetland_area": "wetland area",
    "green_building_share": "share of new buildings meeting green building standards",
    "prefab_building_share": "share of prefabricated buildings in new construction",
    "building_renewable_substitution": "renewable energy substitution rate in buildings",
    "new_energy_vehicle_share": "share of new-energy vehicles (fleet, sales or new additions)",
    "public_transport_share": "share of public / green transport in trips",
    "charging_facilities": "charging piles or stations",
    "waste_recycling_rate": "resource recovery / recycling rate of household waste",
    "waste_sorting_coverage": "coverage of household waste sorting",
    "solid_waste_utilisation_rate": "comprehensive utilisation rate of bulk / industrial solid waste",
    "straw_utilisation_rate": "comprehensive utilisation rate of crop straw",
    "manure_utilisation_rate": "utilisation rate of livestock manure",
    "recycled_water_rate": "reuse rate of reclaimed water",
    "industrial_energy_efficiency": "energy-efficiency targets of industry (benchmark share, intensity)",
    "other": "anything else quantified; indicator_text says what",
}
