"""/api/v1/city/ (city roles) and /api/v1/public/ (anyone): mounted by portal/api_urls.py."""

from django.urls import path

from . import api

city_patterns = [
    path("indicators/", api.CityIndicatorsView.as_view(), name="indicators"),
    path("cooperatives/", api.CityCooperativesView.as_view(), name="cooperatives"),
]

public_patterns = [
    path("indicators/", api.PublicIndicatorsView.as_view(), name="indicators"),
]
