-- Everything the search box can find, one row each: the localities, the partnerships and
-- the schools of the latest year, with the words a reader may type (name, URN, postcode
-- district) in one label. Public: names and places only, no figures. Only the council's
-- schools (in a partnership, or in its LA by the establishment number): a warehouse of
-- every LA in England (scope = "england") holds 24,000 schools the box need not offer.
with latest as (
    select max(time_period) as time_period from school_year
),

schools as (
    select
        'School' as kind,
        p.school_name as name,
        p.urn,
        p.partnership,
        p.locality,
        -- the outward code (the part before the space) of a UK postcode, e.g. OX15
        nullif(split_part(trim(p.postcode), ' ', 1), '') as postcode_district
    from school_points as p
    join latest as l on p.time_period = l.time_period
    left join schools as s on s.urn = p.urn
    where p.partnership is not null or s.laestab // 10000 = old_la_code()
),

partnerships as (
    select distinct
        'Partnership' as kind,
        partnership as name,
        null::bigint as urn,
        partnership,
        locality,
        null::varchar as postcode_district
    from schools
    where partnership is not null
),

localities as (
    select distinct
        'Locality' as kind,
        locality as name,
        null::bigint as urn,
        null::varchar as partnership,
        locality,
        null::varchar as postcode_district
    from schools
    where locality is not null
),

final as (
    select * from localities
    union all
    select * from partnerships
    union all
    select * from schools
)

select * from final
order by
    case kind when 'Locality' then 1 when 'Partnership' then 2 else 3 end,
    name,
    urn
