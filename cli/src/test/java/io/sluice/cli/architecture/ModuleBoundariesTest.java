package io.sluice.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of DESIGN.md and the naming habits of STYLE.md, checked on the compiled
 * main classes of every module. They sit here because {@code cli} is the module that depends on all
 * the others, so its classpath holds every module's classes.
 */
class ModuleBoundariesTest {
  private static final JavaClasses SLUICE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sluice");

  @Test
  void everyModuleUnderTestIsImported() {
    assertThat(SLUICE.stream().map(JavaClass::getPackageName))
        .anyMatch(p -> p.startsWith("io.sluice.core"))
        .anyMatch(p -> p.startsWith("io.sluice.checkpoint"))
        .anyMatch(p -> p.startsWith("io.sluice.capture"))
        .anyMatch(p -> p.startsWith("io.sluice.apply"))
        .anyMatch(p -> p.startsWith("io.sluice.embedded"))
        .anyMatch(p -> p.startsWith("io.sluice.cli"));
  }

  @Test
  void onlyTheCommandLineRunsTheEmbeddedServers() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.sluice.core..",
            "io.sluice.checkpoint..",
            "io.sluice.capture..",
            "io.sluice.apply..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.sluice.embedded..")
        .because("the services run against real servers; only demo, bench and drill embed them")
        .check(SLUICE);
  }

  @Test
  void theEmbeddedServersDependOnNoServiceModule() {
    noClasses()
        .that()
        .resideInAPackage("io.sluice.embedded..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.sluice.checkpoint..", "io.sluice.capture..", "io.sluice.apply..", "io.sluice.cli..")
        .because("the harness stands for the world outside sluice, so it cannot lean on sluice")
        .check(SLUICE);
  }

  @Test
  void captureNeverDependsOnApply() {
    noClasses()
        .that()
        .resideInAPackage("io.sluice.capture..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.sluice.apply..")
        .because("capture and apply meet only in the event format in core")
        .check(SLUICE);
  }

  @Test
  void applyNeverDependsOnCapture() {
    noClasses()
        .that()
        .resideInAPackage("io.sluice.apply..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.sluice.capture..")
        .because("capture and apply meet only in the event format in core")
        .check(SLUICE);
  }

  @Test
  void coreDependsOnNoOtherModuleAndDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("io.sluice.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.sluice.checkpoint..",
            "io.sluice.capture..",
            "io.sluice.apply..",
            "io.sluice.cli..",
            "io.sluice.embedded..",
            "java.sql..",
            "software.amazon..",
            "org.apache.kafka..",
            "io.debezium..")
        .because("core holds the model, config and codec, with no I/O")
        .check(SLUICE);
  }

  @Test
  void checkpointDependsOnNeitherCaptureNorApply() {
    noClasses()
        .that()
        .resideInAPackage("io.sluice.checkpoint..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sluice.capture..", "io.sluice.apply..", "io.sluice.cli..")
        .because("dependencies point one way: core <- checkpoint <- capture, apply")
        .check(SLUICE);
  }

  @Test
  void noClassIsNamedAfterAVagueRole() {
    classes()
        .should()
        .haveSimpleNameNotEndingWith("Impl")
        .andShould()
        .haveSimpleNameNotEndingWith("Manager")
        .andShould()
        .haveSimpleNameNotEndingWith("Helper")
        .andShould()
        .haveSimpleNameNotEndingWith("Utils")
        .andShould()
        .haveSimpleNameNotEndingWith("Util")
        .because("role suffixes should explain themselves (STYLE.md)")
        .check(SLUICE);
  }

  @Test
  void noPackageIsAUtilPackage() {
    noClasses()
        .should()
        .resideInAnyPackage("..util..", "..utils..")
        .because("a package says what it owns (STYLE.md)")
        .check(SLUICE);
  }

  @Test
  void aModulesInternalPackageIsUsedByThatModuleAlone() {
    for (String module : new String[] {"core", "checkpoint", "capture", "apply"}) {
      classes()
          .that()
          .resideInAPackage("io.sluice." + module + ".internal..")
          .should()
          .onlyBeAccessed()
          .byAnyPackage("io.sluice." + module + "..")
          .because("internal packages are a module's own; other modules use its root package")
          .allowEmptyShould(true)
          .check(SLUICE);
    }
  }

  @Test
  void theTimeIsReadOnAnInjectedClock() {
    noClasses()
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .orShould()
        .callMethod(java.time.OffsetDateTime.class, "now")
        .orShould()
        .callMethod(java.time.ZonedDateTime.class, "now")
        .because(
            "times come from a java.time.Clock that tests can move (Clock.systemUTC() where a"
                + " process starts)")
        .check(SLUICE);
  }
}
