"""Redress core: configuration, data, domain rules and services shared by portal and staff."""
