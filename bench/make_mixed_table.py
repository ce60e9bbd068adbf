#!/usr/bin/python3
"""Writes a deterministic mixed-type table for bench/tables_learned.sh: ROWS x 15 columns.

Usage: make_mixed_table.py ROWS OUT.csv

Columns: an integer key, dates and datetimes, correlated numbers (age -> income -> credit score,
segment), a number written with thousands separators, counts, categoricals (one with missing
values), a boolean. Python's random with a fixed seed, so the same ROWS give the same bytes.
"""
import csv
import math
import random
import sys


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20240501)
    countries = ["US", "DE", "FR", "GB", "NO", "SE", "JP", "BR", "IN", "CA", "ES", "IT"]
    country_w = [30, 12, 9, 9, 3, 3, 8, 6, 10, 5, 3, 2]
    channels = ["web", "app", "store", "phone", "partner"]
    domains = [f"mail{i}.example" for i in range(20)]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "signup_date", "age", "income", "credit_score", "balance",
                    "purchases", "last_purchase", "country", "segment", "is_active", "churn_risk",
                    "channel", "rating", "email_domain"])
        for i in range(rows):
            age = min(90, max(18, round(rng.gauss(41, 12))))
            income = math.exp(10.2 + 0.012 * (age - 41) + 0.45 * rng.gauss(0, 1))
            score = min(850, max(300, round(580 + 45 * math.log(income / 20000) + rng.gauss(0, 40))))
            balance = max(0.0, income * 0.08 * rng.random() ** 0.5 + rng.gauss(0, 500))
            purchases = int(rng.expovariate(1 / (3 + age / 20)))
            signup = 17000 + int(rng.random() * 2500)  # days since 1970
            last = (signup + rng.random() * 400) * 86400
            segment = ("bronze" if income < 20000 else "silver" if income < 35000
                       else "gold" if income < 60000 else "platinum")
            active = "True" if rng.random() < 0.3 + 0.1 * min(purchases, 5) else "False"
            risk = min(1.0, max(0.0, 0.8 - 0.0008 * (score - 300) + rng.gauss(0, 0.1)))
            channel = rng.choice(channels) if rng.random() > 0.05 else ""
            rating = min(5, max(1, round(3 + (score - 650) / 120 + rng.gauss(0, 1))))
            w.writerow([
                100000 + i,
                date(signup),
                age,
                f"{income:.2f}",
                score,
                f"{balance:,.2f}",
                purchases,
                date(last / 86400) + " " + clock(last % 86400),
                rng.choices(countries, country_w)[0],
                segment,
                active,
                f"{risk:.3f}",
                channel,
                rating,
                rng.choice(domains),
            ])


def date(days):
    import datetime
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=int(days))).isoformat()


def clock(seconds):
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


if __name__ == "__main__":
    main()
