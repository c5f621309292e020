package io.sluice.embedded.workload;

import static io.sluice.embedded.workload.ReferenceTable.intKey;
import static io.sluice.embedded.workload.ReferenceTable.keyColumn;
import static io.sluice.embedded.workload.ReferenceTable.textKey;

import io.sluice.embedded.workload.ReferenceTable.Column;
import java.util.ArrayList;
import java.util.List;

/**
 * The 32 reference tables: 16 of market reference data ({@code ref_*}) and 16 of risk and
 * operations configuration ({@code cfg_*}), each family with one composite-key table. Keys are
 * integers, text codes or composites; row counts range from 20 to 200.
 */
final class ReferenceCatalog {

  private static final String CURRENCIES =
      "ARRAY['USD','EUR','GBP','JPY','CHF','CAD','AUD','SEK','NOK','HKD']";

  static final List<ReferenceTable> TABLES =
      List.of(
          // Market reference data.
          table(
              "ref_instrument",
              120,
              List.of(intKey("instrument_id")),
              "symbol TEXT, tick_size NUMERIC, listed_at TIMESTAMPTZ, active BOOLEAN, lot_size INTEGER"),
          table(
              "ref_venue",
              24,
              List.of(textKey("venue_code", "VEN")),
              "venue_name TEXT, opens_at TIMESTAMPTZ, fee_rate NUMERIC, lit BOOLEAN"),
          table(
              "ref_account",
              200,
              List.of(intKey("account_id")),
              "account_name TEXT, credit_limit NUMERIC, opened_on DATE, active BOOLEAN, comment NULLABLE_TEXT"),
          table(
              "ref_currency",
              40,
              List.of(textKey("currency_code", "CCY")),
              "currency_name TEXT, minor_units INTEGER, rounding NUMERIC, active BOOLEAN"),
          table(
              "ref_country",
              60,
              List.of(textKey("country_code", "CTY")),
              "country_name TEXT, region TEXT, eu_member BOOLEAN, gdp_usd NUMERIC"),
          table(
              "ref_fx_rate",
              200,
              List.of(
                  keyColumn("base_ccy", "text", "(" + CURRENCIES + ")[k % 10 + 1]"),
                  keyColumn("quote_ccy", "text", "(" + CURRENCIES + ")[(k / 10) % 10 + 1]"),
                  keyColumn("as_of", "date", "date '2024-01-01' + k / 100")),
              "rate NUMERIC, published_at TIMESTAMPTZ, source TEXT, stale BOOLEAN"),
          table(
              "ref_exchange_holiday",
              80,
              List.of(intKey("holiday_id")),
              "venue TEXT, holiday_on DATE, description NULLABLE_TEXT, half_day BOOLEAN"),
          table(
              "ref_sector",
              30,
              List.of(intKey("sector_id")),
              "sector_name TEXT, weight NUMERIC, updated_at TIMESTAMPTZ"),
          table(
              "ref_issuer",
              150,
              List.of(intKey("issuer_id")),
              "issuer_name TEXT, rating TEXT, outstanding NUMERIC, founded_on DATE, listed BOOLEAN"),
          table(
              "ref_index",
              25,
              List.of(textKey("index_code", "IDX")),
              "index_name TEXT, base_value NUMERIC, rebalanced_at TIMESTAMPTZ, total_return BOOLEAN"),
          table(
              "ref_settlement_calendar",
              100,
              List.of(intKey("calendar_id")),
              "settles_on DATE, cutoff_at TIMESTAMPTZ, open BOOLEAN"),
          table(
              "ref_broker",
              50,
              List.of(intKey("broker_id")),
              "broker_name TEXT, commission NUMERIC, onboarded_at TIMESTAMPTZ, active BOOLEAN, contact NULLABLE_TEXT"),
          table(
              "ref_clearing_house",
              20,
              List.of(textKey("clearing_code", "CLR")),
              "clearing_name TEXT, margin_rate NUMERIC, default_fund NUMERIC, active BOOLEAN"),
          table(
              "ref_tick_table",
              40,
              List.of(intKey("tick_table_id")),
              "min_price NUMERIC, tick NUMERIC, effective_on DATE"),
          table(
              "ref_order_type",
              20,
              List.of(textKey("order_type_code", "OTY")),
              "description TEXT, algo BOOLEAN, max_qty INTEGER"),
          table(
              "ref_trading_session",
              60,
              List.of(intKey("session_id")),
              "venue TEXT, starts_at TIMESTAMPTZ, ends_at TIMESTAMPTZ, auction BOOLEAN"),
          // Risk and operations configuration.
          table(
              "cfg_account_limit",
              160,
              List.of(
                  keyColumn("account_id", "integer", "k / 4 + 1"),
                  keyColumn(
                      "instrument_class", "text", "(ARRAY['EQ','FI','FX','CMD'])[k % 4 + 1]")),
              "max_notional NUMERIC, max_orders INTEGER, enforced BOOLEAN, updated_at TIMESTAMPTZ"),
          table(
              "cfg_risk_rule",
              80,
              List.of(intKey("rule_id")),
              "rule_name TEXT, threshold NUMERIC, enabled BOOLEAN, changed_at TIMESTAMPTZ, rationale NULLABLE_TEXT"),
          table(
              "cfg_fee_schedule",
              60,
              List.of(intKey("schedule_id")),
              "venue TEXT, maker_fee NUMERIC, taker_fee NUMERIC, effective_on DATE"),
          table(
              "cfg_trader",
              120,
              List.of(textKey("trader_code", "TRD")),
              "display_name TEXT, desk TEXT, max_notional NUMERIC, active BOOLEAN, hired_on DATE"),
          table(
              "cfg_desk",
              20,
              List.of(intKey("desk_id")),
              "desk_name TEXT, budget NUMERIC, created_at TIMESTAMPTZ"),
          table(
              "cfg_strategy",
              45,
              List.of(intKey("strategy_id")),
              "strategy_name TEXT, capital NUMERIC, live BOOLEAN, started_at TIMESTAMPTZ"),
          table(
              "cfg_routing_rule",
              90,
              List.of(intKey("routing_id")),
              "venue TEXT, priority INTEGER, enabled BOOLEAN, notes NULLABLE_TEXT"),
          table(
              "cfg_margin_rate",
              70,
              List.of(intKey("margin_id")),
              "initial_margin NUMERIC, maintenance_margin NUMERIC, effective_on DATE"),
          table(
              "cfg_alert_threshold",
              35,
              List.of(textKey("alert_code", "ALR")),
              "description TEXT, warn_level NUMERIC, page_level NUMERIC, muted BOOLEAN"),
          table(
              "cfg_holiday_override",
              25,
              List.of(intKey("override_id")),
              "override_on DATE, reason NULLABLE_TEXT, closed BOOLEAN"),
          table(
              "cfg_commission_tier",
              30,
              List.of(intKey("tier_id")),
              "min_volume NUMERIC, rate NUMERIC, tier_name TEXT"),
          table(
              "cfg_kill_switch",
              20,
              List.of(textKey("switch_code", "KSW")),
              "engaged BOOLEAN, engaged_at TIMESTAMPTZ, engaged_by TEXT"),
          table(
              "cfg_position_limit",
              150,
              List.of(intKey("limit_id")),
              "max_position NUMERIC, soft_limit NUMERIC, breached BOOLEAN, reviewed_on DATE"),
          table(
              "cfg_feature_flag",
              40,
              List.of(textKey("flag_code", "FLG")),
              "enabled BOOLEAN, rollout_pct INTEGER, changed_at TIMESTAMPTZ, owner TEXT"),
          table(
              "cfg_report_schedule",
              55,
              List.of(intKey("report_id")),
              "report_name TEXT, runs_at TIMESTAMPTZ, active BOOLEAN, recipients NULLABLE_TEXT"),
          table(
              "cfg_price_band",
              100,
              List.of(intKey("band_id")),
              "lower_pct NUMERIC, upper_pct NUMERIC, applies_on DATE, strict BOOLEAN"));

  private ReferenceCatalog() {}

  /**
   * @param values comma-separated {@code name SHAPE} pairs, SHAPE naming a {@link
   *     ReferenceTable.Shape}
   */
  private static ReferenceTable table(String name, int rows, List<Column> key, String values) {
    String[] pairs = values.split(",\\s*");
    List<Column> columns = new ArrayList<>(pairs.length);
    for (int i = 0; i < pairs.length; i++) {
      String[] pair = pairs[i].split(" ");
      columns.add(ReferenceTable.Shape.valueOf(pair[1]).column(pair[0], i + 1));
    }
    return new ReferenceTable(name, key, columns, rows);
  }
}
