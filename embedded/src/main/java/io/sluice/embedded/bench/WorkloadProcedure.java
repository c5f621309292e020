package io.sluice.embedded.bench;

/**
 * The source-side procedure that queues the workload without a round trip per transaction: it
 * commits after every transaction of {@code txn_rows} rows and returns the rows it changed.
 *
 * <p>Row {@code r} of a session (counted from 0 in each run) is, by {@code r % 10}: 0-4 an update
 * of a preloaded {@code fills} row, 5-7 an insert of a new {@code fills} row, 8 an update of a
 * {@code positions} row, 9 an update of an {@code accounts} or (every other ten) an {@code
 * instruments} row. Session {@code s} of {@code n} only touches keys {@code k} with {@code (k - 1)
 * % n = s} (for positions, grid cells {@code p % n = s}), picked by {@code (a * r + salt) % m} with
 * {@code a} coprime to the slice size {@code m}: distinct within a transaction, spread over the
 * slice.
 */
final class WorkloadProcedure {
  private WorkloadProcedure() {}

  static String sql() {
    return TEMPLATE
        .replace("{FILL_ROW}", BenchSchema.FILL_ROW)
        .replace("{FILL_LATERAL}", BenchSchema.FILL_LATERAL);
  }

  private static final String TEMPLATE =
      """
      CREATE OR REPLACE PROCEDURE sluice_bench_workload(
        sess int, sessions int, r_from bigint, r_to bigint, txn_rows int, round_no int,
        insert_base bigint, m_fills bigint, a_fills bigint, m_pos bigint, a_pos bigint,
        m_acc bigint, a_acc bigint, m_ins bigint, a_ins bigint, INOUT changed bigint DEFAULT 0)
      LANGUAGE plpgsql AS $proc$
      DECLARE
        r bigint;
        lo bigint;
        hi bigint;
        pk bigint;
        n bigint;
        salt bigint := round_no * 7777;
        t0 timestamptz := timestamptz '2024-06-01 00:00:00+00' + round_no * interval '1 day'
          + sess * interval '1 hour';
      BEGIN
        IF txn_rows = 1 THEN
          FOR r IN r_from .. r_to - 1 LOOP
            IF r % 10 < 5 THEN
              UPDATE fills SET updated_at = t0 + r * interval '1 microsecond',
                price = price + (r % 97 + 1) * 0.001,
                notional = round((price + (r % 97 + 1) * 0.001) * qty, 18),
                note = 'u' || round_no || '.' || sess || '.' || r
              WHERE fill_id = 1 + sess + sessions * ((a_fills * r + salt) % m_fills);
            ELSIF r % 10 < 8 THEN
              INSERT INTO fills SELECT {FILL_ROW}
              FROM (SELECT insert_base + sess + sessions * ((r / 10) * 3 + r % 10 - 5) AS g) k,
                {FILL_LATERAL};
            ELSIF r % 10 = 8 THEN
              pk := sess + sessions * ((a_pos * r + salt) % m_pos);
              UPDATE positions SET qty = qty + 1, avg_price = avg_price + 0.0001,
                updated_at = t0 + r * interval '1 microsecond'
              WHERE account_id = pk / 100 + 1 AND instrument_id = pk % 100 + 1;
            ELSIF (r / 10) % 2 = 0 THEN
              UPDATE accounts SET balance = balance + (r % 1000) / 100.0,
                status = (ARRAY['open','review','closed'])[r % 3 + 1],
                updated_at = t0 + r * interval '1 microsecond'
              WHERE account_id = 1 + sess + sessions * ((a_acc * r + salt) % m_acc);
            ELSE
              UPDATE instruments SET last_price = last_price + 0.01,
                updated_at = t0 + r * interval '1 microsecond'
              WHERE instrument_id = 1 + sess + sessions * ((a_ins * r + salt) % m_ins);
            END IF;
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            COMMIT;
          END LOOP;
        ELSE
          lo := r_from;
          WHILE lo < r_to LOOP
            hi := lo + txn_rows - 1;
            UPDATE fills f SET updated_at = t0 + x.j * interval '1 microsecond',
                price = f.price + (x.j % 97 + 1) * 0.001,
                notional = round((f.price + (x.j % 97 + 1) * 0.001) * f.qty, 18),
                note = 'u' || round_no || '.' || sess || '.' || x.j
            FROM (SELECT j, 1 + sess + sessions * ((a_fills * j + salt) % m_fills) AS k
                  FROM generate_series(lo, hi) AS gs(j) WHERE j % 10 < 5) x
            WHERE f.fill_id = x.k;
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            INSERT INTO fills SELECT {FILL_ROW}
            FROM (SELECT insert_base + sess + sessions * ((j / 10) * 3 + j % 10 - 5) AS g
                  FROM generate_series(lo, hi) AS gs(j) WHERE j % 10 BETWEEN 5 AND 7) k,
              {FILL_LATERAL};
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            UPDATE positions t SET qty = t.qty + 1, avg_price = t.avg_price + 0.0001,
                updated_at = t0 + x.j * interval '1 microsecond'
            FROM (SELECT j, c / 100 + 1 AS a, c % 100 + 1 AS i
                  FROM (SELECT j, sess + sessions * ((a_pos * j + salt) % m_pos) AS c
                        FROM generate_series(lo, hi) AS gs(j) WHERE j % 10 = 8) y) x
            WHERE t.account_id = x.a AND t.instrument_id = x.i;
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            UPDATE accounts t SET balance = t.balance + (x.j % 1000) / 100.0,
                status = (ARRAY['open','review','closed'])[x.j % 3 + 1],
                updated_at = t0 + x.j * interval '1 microsecond'
            FROM (SELECT j, 1 + sess + sessions * ((a_acc * j + salt) % m_acc) AS k
                  FROM generate_series(lo, hi) AS gs(j) WHERE j % 10 = 9 AND (j / 10) % 2 = 0) x
            WHERE t.account_id = x.k;
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            UPDATE instruments t SET last_price = t.last_price + 0.01,
                updated_at = t0 + x.j * interval '1 microsecond'
            FROM (SELECT j, 1 + sess + sessions * ((a_ins * j + salt) % m_ins) AS k
                  FROM generate_series(lo, hi) AS gs(j) WHERE j % 10 = 9 AND (j / 10) % 2 = 1) x
            WHERE t.instrument_id = x.k;
            GET DIAGNOSTICS n = ROW_COUNT;
            changed := changed + n;
            COMMIT;
            lo := lo + txn_rows;
          END LOOP;
        END IF;
      END
      $proc$""";
}
