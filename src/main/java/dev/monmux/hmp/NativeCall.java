package dev.monmux.hmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.CommandPlan;

/**
 * How monmux runs one HMP line itself: the QMP command it sends (null when it answers without
 * asking QEMU, e.g. {@code help} or a bad key name) and the action that sends it and renders
 * QEMU's HMP text.
 */
record NativeCall(String qmpCommand, ObjectNode qmpArguments, CommandPlan.Action action) {}
