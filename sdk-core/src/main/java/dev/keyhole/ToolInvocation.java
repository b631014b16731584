package dev.keyhole;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * What a guarded tool body receives: its arguments with handles replaced by values (and the
 * original, handle-bearing arguments), the resolved values by handle, and the destination.
 *
 * <p>Security: every value in here is destroyed when the body returns. The substituted argument
 * text is a {@code String} and cannot be wiped; tools that can take a {@link SecretValue} directly
 * should use {@link #secret(String)} and the original arguments instead. Jackson refuses to
 * serialize an invocation, and its {@code toString} names handles only.
 */
@JsonSerialize(using = ToolInvocation.RefusingSerializer.class)
public interface ToolInvocation {
  String toolName();

  /** The task the call runs in. */
  TaskScope task();

  /** The arguments as JSON text with every handle token replaced by its value. */
  String arguments();

  /** The arguments as a tree with every handle token replaced by its value. */
  JsonNode argumentsTree();

  /** The arguments exactly as the model wrote them (handles, no values). */
  String originalArguments();

  /** The resolved value of a handle used in the arguments. */
  SecretValue secret(String handleName);

  /** Every resolved value of this call, by handle. */
  Map<SecretHandle, SecretValue> secrets();

  /** Where the call goes, when the tool declares it and the model gave a valid one. */
  Optional<Destination> destination();

  /** Jackson serializer that refuses: resolved arguments never end up in JSON by accident. */
  final class RefusingSerializer extends JsonSerializer<ToolInvocation> {
    @Override
    public void serialize(ToolInvocation value, JsonGenerator gen, SerializerProvider serializers)
        throws JsonMappingException {
      throw JsonMappingException.from(gen, "A ToolInvocation holds resolved secret values and is"
          + " never serialized; serialize originalArguments() (handles only) instead");
    }
  }
}
