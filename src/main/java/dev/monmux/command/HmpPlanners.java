package dev.monmux.command;

import dev.monmux.qmp.QmpEndpoint;

/** The HMP planner for each VM: the one that knows the HMP of the QEMU version the VM runs now. */
@FunctionalInterface
public interface HmpPlanners {
    HmpPlanner forVm(QmpEndpoint link);

    /** The same planner for every VM (tests of other concerns). */
    static HmpPlanners fixed(HmpPlanner planner) {
        return link -> planner;
    }
}
