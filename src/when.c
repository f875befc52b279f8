/* when.c: dates: ISO parsing and formatting and calendar arithmetic. */
#include "when.h"

#include <stdio.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int evm_when_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

bool evm_when_parse_iso(const char *s, size_t n, evm_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    const int pos[3][2] = {{0, 4}, {5, 7}, {8, 10}};
    for (int k = 0; k < 3; k++)
        for (int i = pos[k][0]; i < pos[k][1]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > evm_when_days_in_month(v[0], v[1]))
        return false;
    out->year = (int16_t)v[0];
    out->month = (int8_t)v[1];
    out->day = (int8_t)v[2];
    out->precision = EVM_DATE_DAY;
    return true;
}

char *evm_when_format(evm_date d, char buf[11])
{
    /* The modulos bound the widths (and tell the compiler so). */
    unsigned y = (unsigned)d.year % 10000u, m = (unsigned)d.month % 100u,
             dd = (unsigned)d.day % 100u;
    switch (d.precision) {
    case EVM_DATE_DAY:
    case EVM_DATE_WEEK:
        snprintf(buf, 11, "%04u-%02u-%02u", y, m, dd);
        break;
    case EVM_DATE_MONTH:
        snprintf(buf, 11, "%04u-%02u", y, m);
        break;
    case EVM_DATE_YEAR:
        snprintf(buf, 11, "%04u", y);
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int evm_when_weekday(int year, int month, int day)
{
    long z = days_from_civil(year, month, day);
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    return (int)(((z % 7) + 7 + 3) % 7);
}

evm_date evm_when_add_days(evm_date d, int delta)
{
    int y, m, dd;
    civil_from_days(days_from_civil(d.year, d.month ? d.month : 1, d.day ? d.day : 1) + delta, &y,
                    &m, &dd);
    evm_date r = {(int16_t)y, (int8_t)m, (int8_t)dd, EVM_DATE_DAY};
    return r;
}
