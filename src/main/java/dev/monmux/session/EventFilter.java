package dev.monmux.session;

import dev.monmux.auth.VmGlob;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which QMP events a session shows above its prompt ({@code .events}): all (the default), none,
 * or those whose name matches one of a list of names or globs ({@code STOP,RESUME,BLOCK_*}; as
 * libvirt's {@code qemu-monitor-event --event}). {@code *} matches any run of characters, {@code ?}
 * one; case does not matter (QEMU's names are upper case, operators may type them lower).
 */
public record EventFilter(List<String> globs, List<Pattern> patterns, boolean all) {
    private static final Pattern ITEM = Pattern.compile("[A-Za-z0-9_*?]{1,64}");
    public static final EventFilter ALL = new EventFilter(List.of(), List.of(), true);
    public static final EventFilter NONE = new EventFilter(List.of(), List.of(), false);

    /**
     * Names or globs separated by commas or spaces; null when one is not a name or glob (the
     * caller prints the usage).
     */
    public static EventFilter parse(String list) {
        List<String> globs = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String item : list.split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (!ITEM.matcher(item).matches() || item.equalsIgnoreCase("on") || item.equalsIgnoreCase("off")) {
                return null; // on and off stand alone: ".events on,STOP" is no event named "on"
            }
            globs.add(item);
            patterns.add(Pattern.compile(VmGlob.regex(item), Pattern.CASE_INSENSITIVE));
        }
        return globs.isEmpty() ? null : new EventFilter(List.copyOf(globs), List.copyOf(patterns), false);
    }

    /** Whether an event of this name is shown. */
    public boolean shows(String event) {
        if (all) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(event).matches()) {
                return true;
            }
        }
        return false;
    }

    /** What {@code .events} alone prints. */
    public String describe() {
        if (all) {
            return "events are on";
        }
        return globs.isEmpty() ? "events are off" : "events shown: " + String.join(",", globs);
    }
}
