package dev.monmux.effect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.hmp.HmpCommand;
import dev.monmux.hmp.HmpTable;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One class per command, whichever way it arrives; every command of QEMU's HMP table has one. */
class EffectTableTest {
    private final EffectTable table = EffectTable.shipped();

    @Test
    void everyHmpCommandAndInfoSubCommandOfEveryTableHasAClass() {
        List<String> missing = new ArrayList<>();
        for (dev.monmux.qmp.QemuVersion v : dev.monmux.hmp.HmpTables.shipped().versions()) {
            for (HmpCommand c : HmpTable.of(v).commands()) {
                if (table.hmp(c.name()).isEmpty()) {
                    missing.add(v + " " + c.name());
                }
            }
            for (HmpCommand c : HmpTable.of(v).infoCommands()) {
                if (table.hmp("info " + c.name()).isEmpty()) {
                    missing.add(v + " info " + c.name());
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void commandsThatTouchTheHostAreHostClassOnEveryPath() {
        for (String hmp : List.of(
                "screendump",
                "change",
                "memsave",
                "pmemsave",
                "dump-guest-memory",
                "migrate",
                "migrate_incoming",
                "migrate_recover",
                "drive_add",
                "drive_mirror",
                "drive_backup",
                "snapshot_blkdev",
                "netdev_add",
                "device_add",
                "object_add",
                "chardev-add",
                "chardev-change",
                "hostfwd_add",
                "nbd_server_start",
                "nbd_server_add",
                "gdbserver",
                "wavcapture",
                "logfile",
                "log",
                "trace-event",
                "getfd",
                "dumpdtb",
                "client_migrate_info",
                "gpa2hva",
                "gpa2hpa",
                "info ramblock")) {
            assertEquals(Effect.HOST, table.hmp(hmp).orElseThrow().effect(), hmp);
        }
        for (String qmp : List.of(
                "screendump",
                "blockdev-change-medium",
                "memsave",
                "pmemsave",
                "dump-guest-memory",
                "migrate",
                "migrate-incoming",
                "migrate-recover",
                "blockdev-add",
                "blockdev-create",
                "drive-mirror",
                "drive-backup",
                "blockdev-snapshot-sync",
                "netdev_add",
                "device_add",
                "object-add",
                "chardev-add",
                "chardev-change",
                "nbd-server-start",
                "nbd-server-add",
                "block-export-add",
                "getfd",
                "add-fd",
                "add_client",
                "dumpdtb",
                "client_migrate_info",
                "change-backing-file",
                "display-update",
                "trace-event-set-state",
                "x-query-ramblock",
                "xen-save-devices-state",
                "xen-load-devices-state")) {
            assertEquals(Effect.HOST, table.qmp(qmp).orElseThrow().effect(), qmp);
        }
    }

    @Test
    void anHmpCommandAndItsQmpTwinHaveOneClass() {
        Map<String, String> twins = Map.ofEntries(
                Map.entry("qom-set", "qom-set"),
                Map.entry("qom-get", "qom-get"),
                Map.entry("qom-list", "qom-list"),
                Map.entry("screendump", "screendump"),
                Map.entry("change", "blockdev-change-medium"),
                Map.entry("stop", "stop"),
                Map.entry("cont", "cont"),
                Map.entry("quit", "quit"),
                Map.entry("system_reset", "system_reset"),
                Map.entry("system_powerdown", "system_powerdown"),
                Map.entry("system_wakeup", "system_wakeup"),
                Map.entry("device_add", "device_add"),
                Map.entry("device_del", "device_del"),
                Map.entry("migrate", "migrate"),
                Map.entry("migrate_incoming", "migrate-incoming"),
                Map.entry("migrate_recover", "migrate-recover"),
                Map.entry("migrate_cancel", "migrate_cancel"),
                Map.entry("migrate_pause", "migrate-pause"),
                Map.entry("migrate_continue", "migrate-continue"),
                Map.entry("migrate_set_capability", "migrate-set-capabilities"),
                Map.entry("migrate_set_parameter", "migrate-set-parameters"),
                Map.entry("migrate_start_postcopy", "migrate-start-postcopy"),
                Map.entry("memsave", "memsave"),
                Map.entry("pmemsave", "pmemsave"),
                Map.entry("dump-guest-memory", "dump-guest-memory"),
                Map.entry("nbd_server_start", "nbd-server-start"),
                Map.entry("nbd_server_add", "nbd-server-add"),
                Map.entry("nbd_server_remove", "nbd-server-remove"),
                Map.entry("nbd_server_stop", "nbd-server-stop"),
                Map.entry("netdev_add", "netdev_add"),
                Map.entry("netdev_del", "netdev_del"),
                Map.entry("object_add", "object-add"),
                Map.entry("object_del", "object-del"),
                Map.entry("chardev-add", "chardev-add"),
                Map.entry("chardev-change", "chardev-change"),
                Map.entry("chardev-remove", "chardev-remove"),
                Map.entry("chardev-send-break", "chardev-send-break"),
                Map.entry("drive_mirror", "drive-mirror"),
                Map.entry("drive_backup", "drive-backup"),
                Map.entry("snapshot_blkdev", "blockdev-snapshot-sync"),
                Map.entry("snapshot_blkdev_internal", "blockdev-snapshot-internal-sync"),
                Map.entry("snapshot_delete_blkdev_internal", "blockdev-snapshot-delete-internal-sync"),
                Map.entry("block_resize", "block_resize"),
                Map.entry("block_stream", "block-stream"),
                Map.entry("block_set_io_throttle", "block_set_io_throttle"),
                Map.entry("block_job_cancel", "block-job-cancel"),
                Map.entry("block_job_complete", "block-job-complete"),
                Map.entry("block_job_pause", "block-job-pause"),
                Map.entry("block_job_resume", "block-job-resume"),
                Map.entry("block_job_set_speed", "block-job-set-speed"),
                Map.entry("set_password", "set_password"),
                Map.entry("expire_password", "expire_password"),
                Map.entry("eject", "eject"),
                Map.entry("sendkey", "send-key"),
                Map.entry("nmi", "inject-nmi"),
                Map.entry("balloon", "balloon"),
                Map.entry("ringbuf_write", "ringbuf-write"),
                Map.entry("ringbuf_read", "ringbuf-read"),
                Map.entry("x_colo_lost_heartbeat", "x-colo-lost-heartbeat"),
                Map.entry("getfd", "getfd"),
                Map.entry("closefd", "closefd"),
                Map.entry("client_migrate_info", "client_migrate_info"),
                Map.entry("dumpdtb", "dumpdtb"),
                Map.entry("trace-event", "trace-event-set-state"),
                Map.entry("info ramblock", "x-query-ramblock"),
                Map.entry("savevm", "snapshot-save"),
                Map.entry("loadvm", "snapshot-load"),
                Map.entry("delvm", "snapshot-delete"),
                Map.entry("set_link", "set_link"),
                Map.entry("announce_self", "announce-self"),
                Map.entry("watchdog_action", "watchdog-set-action"),
                Map.entry("calc_dirty_rate", "calc-dirty-rate"),
                Map.entry("set_vcpu_dirty_limit", "set-vcpu-dirty-limit"),
                Map.entry("cancel_vcpu_dirty_limit", "cancel-vcpu-dirty-limit"),
                Map.entry("replay_break", "replay-break"),
                Map.entry("replay_delete_break", "replay-delete-break"),
                Map.entry("replay_seek", "replay-seek"),
                Map.entry("exit_preconfig", "x-exit-preconfig"),
                Map.entry("commit", "block-commit"),
                Map.entry("info status", "query-status"),
                Map.entry("info block", "query-block"));
        twins.forEach((hmp, qmp) -> assertEquals(
                table.hmp(hmp).orElseThrow().effect(),
                table.qmp(qmp).orElseThrow().effect(),
                hmp + " / " + qmp));
    }

    @Test
    void renamedCommandsKeepTheirClass() {
        // QEMU 8.1 renamed singlestep to one-insn-per-tb
        assertEquals(
                table.hmp("singlestep").orElseThrow().effect(),
                table.hmp("one-insn-per-tb").orElseThrow().effect());
    }

    @Test
    void queriesAreQueriesAndTheRestHasAReason() {
        assertEquals(Effect.QUERY, table.qmp("query-anything-new").orElseThrow().effect());
        for (String name : table.qmpNames()) {
            assertTrue(!table.qmp(name).orElseThrow().why().isBlank(), name);
        }
    }

    @Test
    void aMalformedTableIsRefused() {
        assertThrows(
                IllegalStateException.class,
                () -> EffectTable.parse(
                        new BufferedReader(new StringReader("hmp stop control pauses\nhmp stop query twice\n"))));
        assertThrows(
                IllegalStateException.class,
                () -> EffectTable.parse(new BufferedReader(new StringReader("hmp stop harmless pauses\n"))));
        assertThrows(
                IllegalStateException.class,
                () -> EffectTable.parse(new BufferedReader(new StringReader("hmp stop control\n"))),
                "a class needs its reason");
    }
}
