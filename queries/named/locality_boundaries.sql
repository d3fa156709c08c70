-- Locality polygons for maps.
SELECT locality, geometry_geojson, derived
FROM locality_boundaries
ORDER BY locality
