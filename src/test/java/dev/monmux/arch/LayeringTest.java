package dev.monmux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The package layering of monmux's main code, checked on every build (ARCHITECTURE.md has the
 * map). Bottom to top:
 * <ol>
 *   <li><b>base</b>: {@code config}, {@code auth}, {@code effect}, {@code tls}, {@code net};</li>
 *   <li><b>QMP</b>: {@code qmp}, {@code qmp.json} (the link to QEMU and QEMU's JSON);</li>
 *   <li><b>commands</b>: {@code command}, {@code acl}, {@code audit}, {@code hmp};</li>
 *   <li><b>sessions</b>: {@code session} (an operator's session, shared VMs);</li>
 *   <li><b>front ends</b>: {@code telnet}, {@code qmpserver}, {@code metrics}, {@code control} (the
 *       control socket);</li>
 *   <li><b>command line</b>: {@code ctl} ({@code monmux ctl}, a client of the control socket that
 *       uses no other part of monmux);</li>
 *   <li><b>wiring</b>: {@code dev.monmux} itself (Main, Monmux, Reloader).</li>
 * </ol>
 * A layer uses only the layers below it, and no two packages depend on each other in a cycle.
 */
@AnalyzeClasses(packages = "dev.monmux", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /** Every package is its own slice, the root package {@code dev.monmux} included. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            return c.getPackageName().startsWith("dev.monmux")
                    ? SliceIdentifier.of(c.getPackageName())
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of dev.monmux";
        }
    };

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("base")
            .definedBy(
                    "dev.monmux.config..",
                    "dev.monmux.auth..",
                    "dev.monmux.effect..",
                    "dev.monmux.tls..",
                    "dev.monmux.net..")
            .layer("qmp")
            .definedBy("dev.monmux.qmp..")
            .layer("commands")
            .definedBy("dev.monmux.command..", "dev.monmux.acl..", "dev.monmux.audit..", "dev.monmux.hmp..")
            .layer("sessions")
            .definedBy("dev.monmux.session..")
            .layer("front ends")
            .definedBy("dev.monmux.telnet..", "dev.monmux.qmpserver..", "dev.monmux.metrics..", "dev.monmux.control..")
            .layer("command line")
            .definedBy("dev.monmux.ctl..")
            .layer("wiring")
            .definedBy("dev.monmux")
            .whereLayer("wiring")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("front ends")
            .mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("command line")
            .mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("sessions")
            .mayOnlyBeAccessedByLayers("front ends", "wiring")
            .whereLayer("commands")
            .mayOnlyBeAccessedByLayers("sessions", "front ends", "wiring")
            .whereLayer("qmp")
            .mayOnlyBeAccessedByLayers("commands", "sessions", "front ends", "wiring");

    /** {@code monmux ctl} is a client of the control socket: it shares no code with the server. */
    @ArchTest
    static final ArchRule ctlStandsAlone = classes()
            .that()
            .resideInAPackage("dev.monmux.ctl..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("dev.monmux.ctl..", "java..", "com.fasterxml.jackson..");
}
