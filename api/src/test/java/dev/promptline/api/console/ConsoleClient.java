package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser reduced to what the console's rules are about: it keeps the cookies the service sets (as a browser would
 * for this loopback origin), follows no redirect by itself, and reads the CSRF token from the last page.
 */
final class ConsoleClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String csrf = "";

    ConsoleClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        var request = request(path);
        headers.forEach(request::header);
        return send(request.GET().build());
    }

    /** Posts a form as the page would: with the CSRF token of the last page read. */
    HttpResponse<String> post(String path, Map<String, String> form) {
        var fields = new LinkedHashMap<>(form);
        fields.put("_csrf", csrf);
        return postRaw(path, fields, Map.of());
    }

    /** Posts a form with a field that repeats (checked boxes of one name), with the CSRF token of the last page. */
    HttpResponse<String> post(String path, Map<String, String> form, String repeated, List<String> values) {
        var fields = new LinkedHashMap<>(form);
        fields.put("_csrf", csrf);
        String body = encode(fields)
                + values.stream()
                        .map(value -> "&" + URLEncoder.encode(repeated, StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(value, StandardCharsets.UTF_8))
                        .collect(Collectors.joining());
        return send(request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Posts a form as htmx would: the CSRF token of the last page read, and these headers. */
    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) {
        var fields = new LinkedHashMap<>(form);
        fields.put("_csrf", csrf);
        return postRaw(path, fields, headers);
    }

    /** Posts exactly these fields and headers, as a forged request would. */
    HttpResponse<String> postRaw(String path, Map<String, String> form, Map<String, String> headers) {
        var request = request(path).header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        return send(
                request.POST(HttpRequest.BodyPublishers.ofString(encode(form))).build());
    }

    /**
     * Posts a multipart form as a file input would, with these text fields and one file; the CSRF token of the last
     * page read is added as a field unless {@code withCsrf} is false (a forged request).
     */
    HttpResponse<String> postFile(
            String path, Map<String, String> form, String field, String fileName, byte[] content, boolean withCsrf) {
        String boundary = "----console" + System.nanoTime();
        var fields = new LinkedHashMap<>(form);
        if (withCsrf) {
            fields.put("_csrf", csrf);
        }
        var body = new java.io.ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                        + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    }

    /** Signs in through the form and lands on the prompt list. */
    void signIn(String apiKey) {
        get("/console/sign-in");
        var response = post("/console/sign-in", Map.of("apiKey", apiKey));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/console/prompts"));
        assertThat(get("/console/prompts").statusCode()).isEqualTo(200);
    }

    String csrf() {
        return csrf;
    }

    String cookie(String name) {
        return cookies.getOrDefault(name, "");
    }

    private HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty()) {
            builder.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(entry -> entry.getKey() + "=" + entry.getValue())
                            .collect(Collectors.joining("; ")));
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || header.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            var matcher = CSRF.matcher(response.body());
            if (matcher.find()) {
                csrf = matcher.group(1);
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
