"""The demo city of Kota Sukabumi (`manage.py seed_demo`), split into small steps:

- regions: reads the kecamatan/kelurahan that migration cooperatives/0003 loads
- names: pure generators of people's and cooperatives' names
- cooperatives: the registry plan (kinds, places, AD/ART settings, RAT years) and its rows
- meetings: RAT history (meetings.Meeting)
- people: member registers and member-number counters
- logins: demo users, their roles, var/demo_logins.json
- runner: the order of the steps (BATCH_STEPS, FINAL_STEPS); see docs/DEMO_DATA.md
"""
