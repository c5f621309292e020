package io.sluice.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserTypeTest {
  private static final UserType MOOD = UserType.enumOf("public", "mood", List.of("calm", "wild"));
  private static final UserType PRICE =
      UserType.domainOf(
          "desk",
          "Price",
          "numeric(12,2)",
          true,
          "1.00",
          List.of("CHECK ((VALUE > (0)::numeric))", "CHECK ((VALUE < (9)::numeric))"));

  @Test
  void theSameDefinitionHasNoDifferencesWhateverTheOrderOfItsConstraints() {
    UserType reordered =
        UserType.domainOf(
            "desk",
            "Price",
            "numeric(12,2)",
            true,
            "1.00",
            List.of("CHECK ((VALUE < (9)::numeric))", "CHECK ((VALUE > (0)::numeric))"));
    assertThat(PRICE.differencesFrom(reordered)).isEmpty();
    assertThat(PRICE).isEqualTo(reordered);
    assertThat(MOOD.differencesFrom(MOOD)).isEmpty();
  }

  @Test
  void enumLabelsDifferInContentOrOrder() {
    assertThat(MOOD.differencesFrom(UserType.enumOf("public", "mood", List.of("wild", "calm"))))
        .containsExactly("labels [calm, wild] expected, [wild, calm] found");
    assertThat(MOOD.differencesFrom(UserType.enumOf("public", "mood", List.of("calm"))))
        .containsExactly("labels [calm, wild] expected, [calm] found");
  }

  @Test
  void everyDomainPropertyThatDiffersIsNamed() {
    UserType found = UserType.domainOf("desk", "Price", "numeric", false, null, List.of());
    assertThat(PRICE.differencesFrom(found))
        .containsExactly(
            "base type numeric(12,2) expected, numeric found",
            "NOT NULL true expected, false found",
            "default 1.00 expected, null found",
            "constraints [CHECK ((VALUE < (9)::numeric)), CHECK ((VALUE > (0)::numeric))]"
                + " expected, [] found");
  }

  @Test
  void anEnumIsNotADomain() {
    UserType domain = UserType.domainOf("public", "mood", "text", false, null, List.of());
    assertThat(MOOD.differencesFrom(domain)).containsExactly("an enum expected, a domain found");
  }

  @Test
  void namesForSqlAndForMessages() {
    assertThat(PRICE.quoted()).isEqualTo("\"desk\".\"Price\"");
    assertThat(PRICE.qualifiedName()).isEqualTo("desk.Price");
  }

  @Test
  void aDomainNeedsABaseTypeAndAnEnumHasNone() {
    assertThatThrownBy(
            () ->
                new UserType(
                    "s",
                    "e",
                    UserType.Kind.ENUM,
                    List.of("a"),
                    "text",
                    false,
                    null,
                    List.of(),
                    null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserType.domainOf("s", "d", null, false, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new UserType(
                    "s",
                    "d",
                    UserType.Kind.DOMAIN,
                    List.of(),
                    "text",
                    false,
                    null,
                    List.of(),
                    "hstore"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExtensionsTypeDiffersByItsExtension() {
    UserType hstore = UserType.extensionOf("public", "hstore", "hstore");
    assertThat(hstore.differencesFrom(UserType.extensionOf("public", "hstore", "hstore")))
        .isEmpty();
    assertThat(hstore.differencesFrom(UserType.extensionOf("public", "hstore", "other")))
        .containsExactly("extension hstore expected, other found");
    assertThat(hstore.differencesFrom(UserType.enumOf("public", "hstore", List.of("a"))))
        .containsExactly("an extension's type expected, an enum found");
  }
}
