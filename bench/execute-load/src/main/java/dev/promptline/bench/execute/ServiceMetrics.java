package dev.promptline.bench.execute;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;

/** The service's Prometheus metrics (the management port), read between runs. */
public final class ServiceMetrics implements AutoCloseable {
    private final URI prometheus;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public ServiceMetrics(URI management) {
        this.prometheus = management.resolve("/actuator/prometheus");
    }

    /** One scrape. */
    public Scrape scrape() throws IOException, InterruptedException {
        var response = http.send(
                HttpRequest.newBuilder(prometheus)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + prometheus + " answered " + response.statusCode());
        }
        return new Scrape(
                response.body().lines().filter(line -> !line.startsWith("#")).toList());
    }

    /** The sample lines of one scrape. */
    public record Scrape(List<String> samples) {
        /** The sum of the samples of {@code metric} whose labels contain every one of {@code labels}. */
        public double sum(String metric, String... labels) {
            double sum = 0;
            for (String sample : samples) {
                int space = sample.lastIndexOf(' ');
                String series = sample.substring(0, space);
                String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
                if (name.equals(metric) && containsAll(series, labels)) {
                    sum += Double.parseDouble(sample.substring(space + 1));
                }
            }
            return sum;
        }

        private static boolean containsAll(String series, String... labels) {
            for (String label : labels) {
                if (!series.contains(label)) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
