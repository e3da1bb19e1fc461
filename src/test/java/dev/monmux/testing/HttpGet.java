package dev.monmux.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP requests for the metrics endpoint and Prometheus's API. */
public final class HttpGet {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpGet() {}

    public static HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send("GET", url);
    }

    /** The body of a GET that must answer 200. */
    public static String body(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = get(url);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /**
     * The value of one sample in Prometheus text format: {@code name{labels}} exactly as exposed
     * (labels in Micrometer's alphabetical order), or NaN when absent.
     */
    public static double sample(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(
                        line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    /** The sum of every sample whose line starts with {@code prefix} (e.g. a name and some labels). */
    public static double sum(String exposition, String prefix) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] parts = line.split(" ");
                total += Double.parseDouble(parts[parts.length - 1]);
            }
        }
        return total;
    }
}
