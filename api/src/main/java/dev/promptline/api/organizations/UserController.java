package dev.promptline.api.organizations;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The users of the caller's organization. Reading needs any role; changes need admin or owner. */
@RestController
@RequestMapping("/api/v1/users")
class UserController {
    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @GetMapping
    Page<UserResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return users.list(caller, pageToken, pageSize).map(UserResponse::from);
    }

    @GetMapping("/{userId}")
    UserResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID userId) {
        return UserResponse.from(users.get(caller, new UserId(userId)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<UserResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateUserRequest request) {
        User user = users.create(caller, request.email(), request.name(), request.role());
        return ResponseEntity.created(URI.create("/api/v1/users/" + user.id())).body(UserResponse.from(user));
    }

    @PatchMapping("/{userId}")
    UserResponse update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID userId,
            @Valid @RequestBody UpdateUserRequest request) {
        return UserResponse.from(users.update(caller, new UserId(userId), request.name(), request.role()));
    }

    @DeleteMapping("/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID userId) {
        users.delete(caller, new UserId(userId));
        return ResponseEntity.noContent().build();
    }

    record CreateUserRequest(
            // The database's rule too (users_email_format): @Email alone lets quoted local parts with spaces through.
            @NotBlank
            @Email
            @Size(max = 320)
            @Pattern(regexp = "[^@\\s]+@[^@\\s]+", message = "must be an address such as ann@example.com")
            String email,

            @Nullable @Size(max = 255) String name,
            @NotNull Role role) {}

    record UpdateUserRequest(
            @Nullable @Size(min = 1, max = 255) String name,
            @Nullable Role role) {}

    record UserResponse(UUID id, String email, @Nullable String name, Role role, Instant createdAt, Instant updatedAt) {
        static UserResponse from(User user) {
            return new UserResponse(
                    user.id().value(), user.email(), user.name(), user.role(), user.createdAt(), user.updatedAt());
        }
    }
}
