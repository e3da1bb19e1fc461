package dev.monmux.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Replies printed as {@code qmp-shell -p} prints them. Each expected text is Python 3's
 * {@code json.dumps(json.loads(INPUT), indent=4, sort_keys=True)}, run once and pasted here.
 */
class QmpShellJsonTest {
    private static String pretty(String json) throws Exception {
        return QmpShellJson.format(QmpJson.MAPPER.readTree(json), "\n");
    }

    @Test
    void nestedObjectsAndArraysAreIndentedByFourSpaces() throws Exception {
        assertEquals(
                "{\n    \"return\": {\n        \"running\": true,\n        \"singlestep\": false,\n"
                        + "        \"status\": \"running\"\n    }\n}",
                pretty("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}}"));
        assertEquals(
                "{\n    \"id\": \"x\",\n    \"return\": [\n        {\n            \"a\": 1,\n            \"b\": [\n"
                        + "                1,\n                2,\n                []\n            ],\n            \"c\": {}\n        }\n"
                        + "    ]\n}",
                pretty("{\"return\": [{\"a\": 1, \"b\": [1, 2, []], \"c\": {}}], \"id\": \"x\"}"));
    }

    @Test
    void emptyValuesStayOnTheirLine() throws Exception {
        assertEquals("{\n    \"return\": {}\n}", pretty("{\"return\": {}}"));
        assertEquals("{\n    \"return\": []\n}", pretty("{\"return\": []}"));
        assertEquals("{}", pretty("{}"));
    }

    @Test
    void everythingOutsidePrintableAsciiIsEscaped() throws Exception {
        assertEquals(
                "{\n    \"error\": {\n        \"class\": \"GenericError\",\n"
                        + "        \"desc\": \"caf\\u00e9 \\ud83d\\ude00 \\u007f tab\\there \\\"q\\\" back\\\\slash nl\\n\"\n"
                        + "    }\n}",
                pretty("{\"error\": {\"class\": \"GenericError\", "
                        + "\"desc\": \"caf\u00e9 \uD83D\uDE00 \u007f tab\\there \\\"q\\\" back\\\\slash nl\\n\"}}"));
    }

    @Test
    void numbersAreWrittenAsPythonWritesThem() throws Exception {
        assertEquals(
                "{\n    \"return\": {\n        \"big\": 18446744073709551615,\n        \"mbps\": 0.0,\n"
                        + "        \"t\": 0.0001,\n        \"u\": 1e+22,\n        \"v\": -2.5,\n        \"w\": 0.1,\n"
                        + "        \"x\": 1e-05,\n        \"y\": 12345678.0,\n        \"z\": 1.5e+16\n    }\n}",
                pretty("{\"return\": {\"mbps\": 0.0, \"x\": 1e-05, \"y\": 12345678.0, \"z\": 1.5e16, \"w\": 0.1,"
                        + " \"v\": -2.5, \"u\": 1e22, \"t\": 0.0001, \"big\": 18446744073709551615}}"));
    }

    @Test
    void floatsAreTheShortestThatReadBackAsPythonPrintsThem() throws Exception {
        java.util.List<String> wrong = new java.util.ArrayList<>();
        int n = 0;
        try (var in = QmpShellJsonTest.class.getResourceAsStream("python-float-repr.txt")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
                String mine = QmpShellJson.pythonFloat(d);
                n++;
                if (!mine.equals(f[1])) {
                    wrong.add(f[1] + " (monmux: " + mine + ")");
                }
            }
        }
        assertEquals(619, n);
        assertEquals(java.util.List.of(), wrong);
    }
}
