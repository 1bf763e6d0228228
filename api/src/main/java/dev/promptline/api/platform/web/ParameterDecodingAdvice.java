package dev.promptline.api.platform.web;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Every text query, path and header parameter of every controller is converted through one editor that refuses NUL
 * characters, so the refusal is a 400 naming the parameter instead of a database error.
 */
@ControllerAdvice
class ParameterDecodingAdvice {
    @InitBinder
    void refuseNulCharacters(WebDataBinder binder) {
        binder.registerCustomEditor(String.class, InputDecoding.textParameters());
    }
}
