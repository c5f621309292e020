package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import org.junit.jupiter.api.Test;

class SourceVersionTest {
  @Test
  void greenplumIsRefusedSayingWhyAndWhatToDoWhateverItsSettings() {
    assertThatThrownBy(
            () ->
                SourceVersion.check(
                    "PostgreSQL 12.12 (Greenplum Database 7.0.0 build commit:5b5e8a8f) on"
                        + " x86_64-pc-linux-gnu, compiled by gcc",
                    120012,
                    "logical"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("the source is PostgreSQL 12.12 (Greenplum Database 7.0.0")
        .hasMessageContaining("no usable logical decoding")
        .hasMessageContaining("set capture.method to query");
  }

  @Test
  void queryCaptureTakesGreenplum7AndPostgres12WithoutLogicalWalButNothingOlder() {
    assertThatCode(
            () ->
                SourceVersion.checkQuery(
                    "PostgreSQL 12.12 (Greenplum Database 7.0.0 build commit:5b5e8a8f) on x86_64",
                    120012))
        .doesNotThrowAnyException();
    assertThatCode(() -> SourceVersion.checkQuery("PostgreSQL 12.19 on x86_64", 120019))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> SourceVersion.checkQuery("PostgreSQL 9.4.26 (Greenplum Database 6.26.0)", 90426))
        .hasMessageContaining("query capture needs PostgreSQL 12 or later, or Greenplum 7");
  }

  @Test
  void postgresBefore13IsRefusedNamingItsVersion() {
    assertThatThrownBy(
            () ->
                SourceVersion.check(
                    "PostgreSQL 12.19 on x86_64-pc-linux-gnu, compiled by gcc", 120019, "logical"))
        .hasMessageContaining("the source is PostgreSQL 12.19 (server_version_num 120019)")
        .hasMessageContaining("needs PostgreSQL 13 or later");
  }

  @Test
  void aSourceWithoutLogicalWalIsRefusedSayingWhatToSet() {
    assertThatThrownBy(() -> SourceVersion.check("PostgreSQL 15.18 on x86_64", 150018, "replica"))
        .hasMessageContaining("wal_level is replica")
        .hasMessageContaining("rds.logical_replication = 1");
  }

  @Test
  void postgres13AndLaterWithLogicalWalAreAccepted() {
    assertThatCode(() -> SourceVersion.check("PostgreSQL 13.0 on x86_64", 130000, "logical"))
        .doesNotThrowAnyException();
    assertThatCode(() -> SourceVersion.check("PostgreSQL 17.7 on x86_64", 170007, "logical"))
        .doesNotThrowAnyException();
  }
}
