package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.schema.TableId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TablePatternTest {
  @Test
  void aBareNameMeansSchemaPublic() {
    TablePattern p = new TablePattern("fills");

    assertThat(p.isPattern()).isFalse();
    assertThat(p.qualified()).isEqualTo("public.fills");
    assertThat(p.matches(new TableId("public", "fills"))).isTrue();
    assertThat(p.matches(new TableId("audit", "fills"))).isFalse();
    assertThat(new TablePattern("ref_*").qualified()).isEqualTo("public.ref_*");
    assertThat(new TablePattern("ref_*").matches(new TableId("public", "ref_fx"))).isTrue();
  }

  @Test
  void aQualifiedNameIsKeptAndMatchesOnlyItself() {
    TablePattern p = new TablePattern("sales.fills");

    assertThat(p.qualified()).isEqualTo("sales.fills");
    assertThat(p.matches(new TableId("sales", "fills"))).isTrue();
    assertThat(p.matches(new TableId("public", "fills"))).isFalse();
    assertThat(p.matches(new TableId("sales", "Fills"))).as("case is significant").isFalse();
    assertThat(p).hasToString("sales.fills");
  }

  @ParameterizedTest
  @CsvSource({
    "public, ref_currency, true",
    "public, ref_, true",
    "public, ref_a_b_c, true",
    "public, refs, false", // '_' is literal, not SQL LIKE's any-character
    "public, refXcurrency, false",
    "public, xref_currency, false",
    "audit, ref_currency, false",
    "publicx, ref_currency, false",
  })
  void aWildcardPatternMatchesOnlyItsSchemaAndPrefix(String schema, String table, boolean matches) {
    TablePattern p = new TablePattern("public.ref_*");

    assertThat(p.isPattern()).isTrue();
    assertThat(p.matches(new TableId(schema, table))).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "public.a.b; public; a.b; true",
        "public.a.b; public; aXb; false",
        "public.q1.*; public; q1.2024; true",
        "public.q1.*; public; q1x2024; false",
        "public.a+b*; public; a+b_2024; true",
        "public.a+b*; public; aab; false",
        "public.t$(x)|[y]?; public; t$(x)|[y]?; true",
        "public.t$(x)|[y]?; public; t$x; false",
        "public.(a|b)*; public; (a|b)_1; true",
        "public.(a|b)*; public; a; false",
        "public.x\\E.*y*; public; x\\E.Qy1; true",
        "public.x\\E.*y*; public; xEy1; false",
        "public.^a$*; public; ^a$z; true",
        "public.^a$*; public; a; false",
      })
  void dotsAndRegexCharactersInNamesAreLiteral(
      String pattern, String schema, String table, boolean matches) {
    assertThat(new TablePattern(pattern).matches(new TableId(schema, table))).isEqualTo(matches);
  }

  @Test
  void wildcardsCanSpanTheSchema() {
    TablePattern anySchema = new TablePattern("*.fills");

    assertThat(anySchema.matches(new TableId("sales", "fills"))).isTrue();
    assertThat(anySchema.matches(new TableId("public", "fills"))).isTrue();
    assertThat(anySchema.matches(new TableId("public", "fills_old"))).isFalse();
    assertThat(new TablePattern("public.*").matches(new TableId("publicity", "x"))).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "public.\"Order Book\"; public; Order Book; true",
        "public.Order Book; public; Order Book; true",
        "public.\"Order Book\"; public; order book; false",
        "\"Order Book\"; public; Order Book; true",
        "\"Risk\".\"fx.rates\"; Risk; fx.rates; true",
        "\"Risk\".\"fx.rates\"; risk; fx.rates; false",
        "\"my.schema\".t; my.schema; t; true",
        "public.\"a\"\"b\"; public; a\"b; true",
        "public.\"ref_*\"; public; ref_*; true",
        "public.\"ref_*\"; public; ref_x; false",
        "\"Risk\".fx_*; Risk; fx_rates; true",
      })
  void quotedPartsAreTakenAsTheyAre(String pattern, String schema, String table, boolean matches) {
    assertThat(new TablePattern(pattern).matches(new TableId(schema, table))).isEqualTo(matches);
  }

  @Test
  void aQuotedNameIsQualifiedAsTheCatalogWritesIt() {
    assertThat(new TablePattern("public.\"Order Book\"").qualified())
        .isEqualTo("public.Order Book");
    assertThat(new TablePattern("public.\"Order Book\"").isPattern()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "public.\"Order Book; a double quote is not closed",
        "public.; a name is missing after the dot",
        "\"a\"b.c; a quoted part must be followed by a dot or end the name",
        "pub\"lic\".t; a double quote may only open a part",
        "public.\"a\".b; a quoted table part must end the name",
      })
  void aMalformedNameIsRefusedSayingHowToWriteOne(String text, String problem) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TablePattern(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem)
        .hasMessageContaining("double quotes");
  }
}
